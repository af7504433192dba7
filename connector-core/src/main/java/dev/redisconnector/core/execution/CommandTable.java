package dev.redisconnector.core.execution;

import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.reply.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each command's first key is, read from the server's own {@code COMMAND} reply (so module commands and
 * commands this code has never heard of route correctly in a cluster). Immutable and thread-safe.
 */
final class CommandTable {

    /** No key: the command goes to any node. */
    static final int KEYLESS = -1;
    /** The keys depend on the arguments: ask the server with {@code COMMAND GETKEYS}. */
    static final int MOVABLE = -2;

    private final Map<String, Integer> firstKey;

    private CommandTable(Map<String, Integer> firstKey) {
        this.firstKey = Map.copyOf(firstKey);
    }

    /** Parses the reply of {@code COMMAND}. */
    static CommandTable parse(Reply reply) {
        Map<String, Integer> table = new HashMap<>();
        if (reply instanceof Reply.ArrayReply commands) {
            for (Reply entry : commands.elements()) {
                add(entry, table);
            }
        }
        return new CommandTable(table);
    }

    private static void add(Reply entry, Map<String, Integer> table) {
        if (!(entry instanceof Reply.ArrayReply details) || details.elements().size() < 6
                || !(details.elements().get(0) instanceof Reply.StringReply name)) {
            return;
        }
        List<Reply> fields = details.elements();
        long first = fields.get(3) instanceof Reply.IntegerReply i ? i.value() : 0;
        boolean movable = flags(fields.get(2)).contains("movablekeys");
        table.put(name.text().toUpperCase(Locale.ROOT), movable ? MOVABLE : first > 0 ? (int) first : KEYLESS);
        if (fields.size() > 9 && fields.get(9) instanceof Reply.ArrayReply subcommands) {
            for (Reply sub : subcommands.elements()) {
                add(sub, table);
            }
        }
    }

    private static String flags(Reply reply) {
        StringBuilder out = new StringBuilder();
        List<Reply> elements = reply instanceof Reply.ArrayReply a ? a.elements()
                : reply instanceof Reply.SetReply s ? s.elements() : List.of();
        for (Reply flag : elements) {
            if (flag instanceof Reply.StringReply text) {
                out.append(text.text().toLowerCase(Locale.ROOT)).append(' ');
            }
        }
        return out.toString();
    }

    /**
     * The index in {@code command.args()} of the first key, {@link #KEYLESS} or {@link #MOVABLE}. Unknown commands
     * are treated as having their key first, as almost every command does.
     */
    int firstKeyIndex(VerifiedCommand command) {
        Integer position = null;
        if (!command.args().isEmpty()) {
            position = firstKey.get(command.name() + "|" + command.argText(0).toUpperCase(Locale.ROOT));
        }
        if (position == null) {
            position = firstKey.getOrDefault(command.name(), 1);
        }
        if (position == KEYLESS || position == MOVABLE) {
            return position;
        }
        int index = position - 1;
        return index < command.args().size() ? index : KEYLESS;
    }
}
