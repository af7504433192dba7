package dev.redisconnector.core.spi;

import dev.redisconnector.core.Session;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.policy.ScriptConfinement;

/**
 * Step 2b: decides whether a command may run against a service. Thread-safe, fast (runs on every request).
 *
 * <p>The connection-safety refusals (AUTH, SELECT, MULTI, SUBSCRIBE, ...) are applied before any policy and cannot
 * be lifted by one. The server's own command table is passed in, so a policy can decide by flags, ACL categories and
 * key positions rather than by a hard-coded list.
 */
public interface CommandPolicy {

    /** Allows every command that passed the connection-safety refusals. */
    CommandPolicy ALLOW_ALL = new CommandPolicy() {
        @Override
        public void check(Session session, RedisService service, VerifiedCommand command, CommandCatalog catalog) {
        }

        @Override
        public boolean needsCatalog() {
            return false;
        }
    };

    /**
     * Throws a {@link dev.redisconnector.core.ConnectorException} with code {@code COMMAND_NOT_ALLOWED} naming the rule
     * when the command is refused; returns normally otherwise.
     *
     * @param catalog the target server's command table ({@link CommandCatalog#EMPTY} when {@link #needsCatalog()}
     *                is false)
     */
    void check(Session session, RedisService service, VerifiedCommand command, CommandCatalog catalog);

    /**
     * Checks the command like {@link #check} and returns the command to send: the same one, or one the policy narrowed
     * (e.g. a {@code SCAN} confined to the service's key namespace). {@code scripts} says whether the service's Redis
     * user was verified to confine scripts.
     */
    default VerifiedCommand apply(Session session, RedisService service, VerifiedCommand command,
                                  CommandCatalog catalog, ScriptConfinement scripts) {
        check(session, service, command, catalog);
        return command;
    }

    /** Whether {@link #check} needs the server's command table (loaded once per service version). */
    default boolean needsCatalog() {
        return true;
    }
}
