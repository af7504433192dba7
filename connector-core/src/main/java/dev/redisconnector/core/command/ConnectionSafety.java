package dev.redisconnector.core.command;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The commands that never run on a connection shared by all users of a client, and why.
 *
 * <p>These refusals hold for every service and cannot be lifted by a policy: each command would change the shared
 * connection's state (user, database, protocol, transaction, subscription) or take the connection over. Stateless.
 */
public final class ConnectionSafety {

    private static final String STATE = "it would change the state of the connection shared by every user of this"
            + " client";
    private static final String TRANSACTION = "transactions run through the transaction endpoint, never on the"
            + " shared connection";
    private static final String PUBSUB = "subscriptions run through the subscribe endpoint, never on the shared"
            + " connection";
    private static final String TAKEOVER = "it would take over the shared connection";
    private static final Map<String, String> REFUSED = refusedCommands();

    /**
     * Commands that block: they never run on the shared connection but on one of the service's dedicated
     * connections, with their block time capped. The server's command table adds any other command it flags
     * {@code blocking} (module commands).
     */
    private static final Set<String> BLOCKING = Set.of("BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP",
            "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF");

    /** Commands whose blocking depends on a {@code BLOCK} argument. */
    private static final Set<String> BLOCK_OPTION = Set.of("XREAD", "XREADGROUP");

    private ConnectionSafety() {
    }

    private static Map<String, String> refusedCommands() {
        Map<String, String> refused = new TreeMap<>();
        for (String name : new String[] {"AUTH", "HELLO", "SELECT", "RESET", "QUIT", "CLIENT", "READONLY",
                "READWRITE"}) {
            refused.put(name, STATE);
        }
        for (String name : new String[] {"MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"}) {
            refused.put(name, TRANSACTION);
        }
        for (String name : new String[] {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE",
                "SUNSUBSCRIBE"}) {
            refused.put(name, PUBSUB);
        }
        for (String name : new String[] {"MONITOR", "SYNC", "PSYNC", "REPLCONF"}) {
            refused.put(name, TAKEOVER);
        }
        return Map.copyOf(refused);
    }

    /** Every refused command name with its reason, sorted by name (for documentation and tests). */
    public static Map<String, String> refusedCommands(boolean sorted) {
        return sorted ? new TreeMap<>(REFUSED) : REFUSED;
    }

    /** The commands that always block (sorted), for documentation and tests. */
    public static Set<String> blockingCommands() {
        return new TreeSet<>(BLOCKING);
    }

    /**
     * Whether the command blocks: a known blocking command, {@code XREAD}/{@code XREADGROUP} with {@code BLOCK}, or
     * one the server's command table flags {@code blocking}.
     */
    public static boolean isBlocking(VerifiedCommand command, CommandCatalog catalog) {
        return isBlocking(command, catalog.spec(command).orElse(null));
    }

    /** {@link #isBlocking(VerifiedCommand, CommandCatalog)} with the command's entry already looked up. */
    static boolean isBlocking(VerifiedCommand command, CommandCatalog.CommandSpec spec) {
        if (BLOCKING.contains(command.name())) {
            return true;
        }
        if (BLOCK_OPTION.contains(command.name())) {
            return hasBlockOption(command);
        }
        return spec != null && spec.blocking();
    }

    /** Throws {@code COMMAND_NOT_ALLOWED} when the command may not run on a shared connection. */
    public static void check(VerifiedCommand command) {
        String reason = REFUSED.get(command.name());
        if (reason != null) {
            throw new ConnectorException(ErrorCode.COMMAND_NOT_ALLOWED,
                    command.name() + " is not allowed: " + reason + ".");
        }
    }

    private static boolean hasBlockOption(VerifiedCommand command) {
        for (int i = 0; i < command.args().size(); i++) {
            byte[] arg = command.args().get(i);
            if (arg.length == 5 && "BLOCK".equals(new String(arg, StandardCharsets.US_ASCII)
                    .toUpperCase(Locale.ROOT))) {
                return true;
            }
            if (arg.length == 7 && "STREAMS".equalsIgnoreCase(command.argText(i))) {
                return false;
            }
        }
        return false;
    }
}
