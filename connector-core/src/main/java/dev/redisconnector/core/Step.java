package dev.redisconnector.core;

import java.util.Locale;

/** The pipeline step that produced an error, in the order the pipeline runs them. */
public enum Step {
    SESSION, COMMAND, SERVICE, CREDENTIALS,
    /** The specification's step 2b: checked once steps 3 and 4 know the service, whose command table it reads. */
    POLICY,
    EXECUTION,
    /** Not a pipeline step: the operator API (registry administration). */
    ADMIN,
    /** Not a pipeline step: the HTTP layer itself (routing, framing). */
    HTTP;

    /** The step whose {@link #wireName()} is {@code wireName}, or {@code fallback}. */
    public static Step fromWireName(String wireName, Step fallback) {
        for (Step step : values()) {
            if (step.wireName().equals(wireName)) {
                return step;
            }
        }
        return fallback;
    }

    /** The lower-case name used in error bodies, e.g. {@code "credentials"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
