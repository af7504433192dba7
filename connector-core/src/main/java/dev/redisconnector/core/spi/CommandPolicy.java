package dev.redisconnector.core.spi;

import dev.redisconnector.core.Session;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.policy.ScriptConfinement;

/**
 * Step 2b, the command policy: decides whether a command may run against a service. It runs after steps 3 and 4,
 * which find the service whose command table it reads, and before anything is sent. Thread-safe, fast (runs on every
 * request).
 *
 * <p>The connection-safety refusals (AUTH, SELECT, MULTI, SUBSCRIBE, ...) are applied before any policy and cannot
 * be lifted by one. The server's own command table is passed in, so a policy can decide by flags, ACL categories and
 * key positions rather than by a hard-coded list.
 */
public interface CommandPolicy {

    /** Allows every command that passed the connection-safety refusals. */
    CommandPolicy ALLOW_ALL = new CommandPolicy() {
        @Override
        public void check(Session session, RedisService service, ClassifiedCommand command) {
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
     * @param command the command with its entry in the target server's command table (no entry when
     *                {@link #needsCatalog()} is false)
     */
    void check(Session session, RedisService service, ClassifiedCommand command);

    /**
     * Checks the command like {@link #check} and returns the command to send: the same one, or one the policy narrowed
     * (e.g. a {@code SCAN} confined to the service's key namespace). {@code scripts} says whether the service's Redis
     * user was verified to confine scripts.
     */
    default ClassifiedCommand apply(Session session, RedisService service, ClassifiedCommand command,
                                    ScriptConfinement scripts) {
        check(session, service, command);
        return command;
    }

    /** Whether {@link #check} needs the server's command table (loaded once per service version). */
    default boolean needsCatalog() {
        return true;
    }
}
