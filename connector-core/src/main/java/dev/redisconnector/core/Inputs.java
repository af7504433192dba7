package dev.redisconnector.core;

import java.util.List;

/**
 * The specification's {@code inputs}: a command name and its arguments.
 *
 * @param command the Redis command, e.g. {@code "SET"} or {@code "JSON.GET"}; a name with spaces such as
 *                {@code "CONFIG GET"} is split into the command and its leading arguments. May be {@code null}
 *                (reported as {@code COMMAND_REQUIRED}).
 * @param args    arguments: {@link String}, {@link Number}, {@link Boolean} or {@code byte[]}; {@code null}
 *                means none. Anything else is {@code INVALID_REQUEST}.
 */
public record Inputs(String command, List<?> args) {

    /** Inputs from a command and varargs arguments. */
    public static Inputs of(String command, Object... args) {
        return new Inputs(command, List.of(args));
    }
}
