package dev.redisconnector.core.spi;

import dev.redisconnector.core.Session;
import dev.redisconnector.core.command.VerifiedCommand;

/**
 * Step 2b: decides whether a command may run against a service. Thread-safe, fast (runs on every request).
 *
 * <p>The connection-safety refusals (AUTH, SELECT, MULTI, SUBSCRIBE, ...) are applied before any policy and cannot
 * be lifted by one.
 */
@FunctionalInterface
public interface CommandPolicy {

    /** Allows every command that passed the connection-safety refusals. */
    CommandPolicy ALLOW_ALL = (session, service, command) -> { };

    /**
     * Throws a {@link dev.redisconnector.core.ConnectorException} with code {@code COMMAND_NOT_ALLOWED} naming the rule
     * when the command is refused; returns normally otherwise.
     */
    void check(Session session, RedisService service, VerifiedCommand command);
}
