package dev.redisconnector.core.command;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A command that passed verification: an upper-case name and its arguments as bytes. Immutable by contract: the
 * argument arrays are owned by this object and never modified.
 *
 * @param name the command name in upper case, e.g. {@code "SET"} or {@code "JSON.GET"}
 * @param args the arguments, in order
 */
public record VerifiedCommand(String name, List<byte[]> args) {

    public VerifiedCommand {
        Objects.requireNonNull(name, "name");
        args = List.copyOf(args);
    }

    /** The argument at {@code index} decoded as UTF-8 (for classification, never for logging values). */
    public String argText(int index) {
        return new String(args.get(index), StandardCharsets.UTF_8);
    }


    @Override
    public String toString() {
        return "VerifiedCommand[" + name + ", " + args.size() + " args]";
    }
}
