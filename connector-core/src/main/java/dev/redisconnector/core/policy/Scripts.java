package dev.redisconnector.core.policy;

import dev.redisconnector.core.command.VerifiedCommand;
import java.util.Locale;
import java.util.Set;

/**
 * Which commands run code the connector cannot see into (scripts and functions), and which change state that every
 * tenant of a Redis server shares (the script cache, the function libraries, a running script). Names only, so the
 * rules hold even when the server's command table cannot be read. Stateless.
 */
public final class Scripts {

    /** Commands that run or install code: what it does inside is out of the connector's sight. */
    static final Set<String> RUN_OR_LOAD = Set.of("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO",
            "FUNCTION|LOAD", "FUNCTION|RESTORE", "SCRIPT|LOAD");

    /** Commands whose effect reaches every tenant of the server: denied unless allowed by name. */
    static final Set<String> SERVER_WIDE = Set.of("FUNCTION|FLUSH", "FUNCTION|DELETE", "FUNCTION|RESTORE",
            "FUNCTION|KILL", "SCRIPT|FLUSH", "SCRIPT|KILL");

    private static final Set<String> WITH_SUBCOMMANDS = Set.of("FUNCTION", "SCRIPT", "PUBSUB", "OBJECT", "MEMORY",
            "CONFIG", "ACL", "CLUSTER", "COMMAND", "LATENCY", "SLOWLOG", "MODULE", "XINFO", "XGROUP");

    private Scripts() {
    }

    /**
     * The command's name with its subcommand for the containers these rules name ({@code FUNCTION|FLUSH},
     * {@code PUBSUB|CHANNELS}); the plain name otherwise.
     */
    public static String qualifiedName(VerifiedCommand command) {
        if (command.args().isEmpty() || !WITH_SUBCOMMANDS.contains(command.name())) {
            return command.name();
        }
        return command.name() + "|" + command.argText(0).toUpperCase(Locale.ROOT);
    }

    /** Whether the command runs a script or function, or installs one ({@code FUNCTION LOAD}). */
    public static boolean runsOrLoadsCode(VerifiedCommand command) {
        return runsOrLoadsCode(qualifiedName(command));
    }

    static boolean runsOrLoadsCode(String qualifiedName) {
        return RUN_OR_LOAD.contains(qualifiedName);
    }

    /** Whether the command runs a script or function that a timeout may leave running on the server. */
    public static boolean runsCode(VerifiedCommand command) {
        return command.name().startsWith("EVAL") || command.name().startsWith("FCALL");
    }

    /** Whether the command changes state every tenant of the server shares. */
    static boolean serverWide(String qualifiedName) {
        return SERVER_WIDE.contains(qualifiedName);
    }
}
