package dev.redisconnector.core;

import java.util.Objects;

/**
 * One call of the connector: the caller's session token, the specification's {@code inputs} and options.
 *
 * @param sessionToken the session token as presented by the user; {@code null} when there is none
 * @param inputs       command and arguments; never {@code null}
 * @param options      per-request options; never {@code null}
 */
public record ExecuteRequest(String sessionToken, Inputs inputs, ExecuteOptions options) {

    public ExecuteRequest {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(options, "options");
    }

    /** A request with default options. */
    public static ExecuteRequest of(String sessionToken, String command, Object... args) {
        return new ExecuteRequest(sessionToken, Inputs.of(command, args), ExecuteOptions.DEFAULT);
    }

    @Override
    public String toString() {
        return "ExecuteRequest[command=" + inputs.command() + ", options=" + options + "]";
    }
}
