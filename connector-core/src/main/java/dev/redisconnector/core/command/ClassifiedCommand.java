package dev.redisconnector.core.command;

import java.util.List;
import java.util.Optional;

/**
 * A verified command with what the target server's command table says about it, looked up once per request and
 * carried from the policy check through routing to execution: its entry ({@code null} when the table has none, or
 * when no table was loaded), and whether it blocks.
 *
 * @param command  the verified command
 * @param spec     its entry in the server's command table (the subcommand's entry when it has one), or {@code null}
 * @param blocking whether it blocks (see {@link ConnectionSafety#isBlocking})
 * @param table    the command table it was classified with ({@link CommandCatalog#EMPTY}: none)
 */
public record ClassifiedCommand(VerifiedCommand command, CommandCatalog.CommandSpec spec, boolean blocking,
                                CommandCatalog table) {

    /** Classifies {@code command} with {@code catalog} ({@link CommandCatalog#EMPTY} when none was loaded). */
    public static ClassifiedCommand of(VerifiedCommand command, CommandCatalog catalog) {
        CommandCatalog.CommandSpec spec = catalog.spec(command).orElse(null);
        return new ClassifiedCommand(command, spec, ConnectionSafety.isBlocking(command, spec), catalog);
    }

    /** A command the connector sends for itself ({@code COMMAND}, {@code ACL DRYRUN}, ...), without a table. */
    public static ClassifiedCommand unclassified(VerifiedCommand command) {
        return of(command, CommandCatalog.EMPTY);
    }

    /** The command name, upper case. */
    public String name() {
        return command.name();
    }

    /** The arguments. */
    public List<byte[]> args() {
        return command.args();
    }

    /** The command table's entry, if the table has one. */
    public Optional<CommandCatalog.CommandSpec> found() {
        return Optional.ofNullable(spec);
    }

    /**
     * The keys, found through the entry's key specifications or first/last/step positions; empty when they cannot be
     * determined (no entry, or movable keys on a server without key specifications).
     */
    public Optional<List<byte[]>> keys() {
        return spec == null ? Optional.empty() : spec.keys(command.args());
    }

    /** How many keys the command names, {@code -1} when unknown. */
    public int keyCount() {
        if (spec == null) {
            return -1;
        }
        int fast = spec.simpleKeyCount(command.args().size());
        return fast >= 0 ? fast : keys().map(List::size).orElse(-1);
    }

    /** The same classification for {@code narrowed}, a command the policy rewrote without changing its name. */
    public ClassifiedCommand with(VerifiedCommand narrowed) {
        return narrowed == command ? this : new ClassifiedCommand(narrowed, spec, blocking, table);
    }
}
