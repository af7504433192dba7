package dev.redisconnector.core;

import java.util.Locale;

/** The pipeline step that produced an error, in the order the pipeline runs them. */
public enum Step {
    SESSION, COMMAND, POLICY, SERVICE, CREDENTIALS, EXECUTION;

    /** The lower-case name used in error bodies, e.g. {@code "credentials"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
