package dev.redisconnector.core;

/**
 * Told about every command the connector handled, after its outcome is known: run, refused, or failed (an audit
 * trail, metrics). Called on the thread that completed the command; implementations must return quickly and never
 * block or throw (hand the event to a queue).
 */
@FunctionalInterface
public interface CommandListener {

    /** One command's outcome. */
    void onCommand(CommandEvent event);

    /** Calls {@code first}, then {@code second}. */
    static CommandListener both(CommandListener first, CommandListener second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        return event -> {
            first.onCommand(event);
            second.onCommand(event);
        };
    }
}
