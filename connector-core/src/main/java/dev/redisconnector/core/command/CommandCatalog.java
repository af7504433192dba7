package dev.redisconnector.core.command;

import dev.redisconnector.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a Redis server says about its commands (the reply of {@code COMMAND}): flags, ACL categories and where the
 * keys are, including module commands. Used to route cluster commands and to apply a service's command policy
 * without a hard-coded list. Immutable and thread-safe.
 */
public final class CommandCatalog {

    /** A catalog that knows no command (policies then treat every command as unknown). */
    public static final CommandCatalog EMPTY = new CommandCatalog(Map.of());

    private final Map<String, CommandSpec> specs;
    private final Set<String> containers;

    private CommandCatalog(Map<String, CommandSpec> specs) {
        this.specs = Map.copyOf(specs);
        Set<String> withSubcommands = new HashSet<>();
        for (String name : specs.keySet()) {
            int bar = name.indexOf('|');
            if (bar > 0) {
                withSubcommands.add(name.substring(0, bar));
            }
        }
        this.containers = Set.copyOf(withSubcommands);
    }

    /** Parses the reply of {@code COMMAND} (RESP2 or RESP3). */
    public static CommandCatalog parse(Reply reply) {
        Map<String, CommandSpec> specs = new HashMap<>();
        if (reply instanceof Reply.ArrayReply commands) {
            for (Reply entry : commands.elements()) {
                add(entry, specs);
            }
        }
        return new CommandCatalog(specs);
    }

    /** Every entry, commands and subcommands ({@code CONFIG|GET}), in no particular order. */
    public Collection<CommandSpec> specs() {
        return specs.values();
    }

    /** Whether the command has subcommands of its own ({@code CONFIG}, {@code OBJECT}, ...). */
    public boolean hasSubcommands(String name) {
        return containers.contains(name);
    }

    /** Number of commands (and subcommands) known. */
    public int size() {
        return specs.size();
    }

    /** The spec of a command, its subcommand's spec when it has one (e.g. {@code config|get}), or empty. */
    public Optional<CommandSpec> spec(VerifiedCommand command) {
        if (!command.args().isEmpty() && containers.contains(command.name())) {
            CommandSpec sub = specs.get(command.name() + "|" + command.argText(0).toUpperCase(Locale.ROOT));
            if (sub != null) {
                return Optional.of(sub);
            }
        }
        return Optional.ofNullable(specs.get(command.name()));
    }

    /** Classifies {@code command} with this table (see {@link ClassifiedCommand}). */
    public ClassifiedCommand classify(VerifiedCommand command) {
        return ClassifiedCommand.of(command, this);
    }

    private static void add(Reply entry, Map<String, CommandSpec> specs) {
        if (!(entry instanceof Reply.ArrayReply details) || details.elements().size() < 6
                || !(details.elements().get(0) instanceof Reply.StringReply name)) {
            return;
        }
        List<Reply> fields = details.elements();
        Set<String> flags = words(fields.get(2), false);
        Set<String> categories = fields.size() > 6 ? words(fields.get(6), true) : Set.of();
        List<KeySpec> keySpecs = fields.size() > 8 ? KeySpec.parseAll(fields.get(8)) : List.of();
        String upper = name.text().toUpperCase(Locale.ROOT);
        specs.put(upper, new CommandSpec(upper, (int) integer(fields.get(1)), flags, categories,
                (int) integer(fields.get(3)), (int) integer(fields.get(4)), (int) integer(fields.get(5)), keySpecs));
        if (fields.size() > 9) {
            for (Reply sub : elements(fields.get(9))) {
                add(sub, specs);
            }
        }
    }

    /** The elements of an array or a set (Redis 7.0 answers some lists of COMMAND as RESP3 sets). */
    static List<Reply> elements(Reply reply) {
        return reply instanceof Reply.ArrayReply a ? a.elements()
                : reply instanceof Reply.SetReply s ? s.elements() : List.of();
    }

    static long integer(Reply reply) {
        return reply instanceof Reply.IntegerReply i ? i.value() : 0;
    }

    private static Set<String> words(Reply reply, boolean categories) {
        Set<String> out = new TreeSet<>();
        List<Reply> elements = reply instanceof Reply.ArrayReply a ? a.elements()
                : reply instanceof Reply.SetReply s ? s.elements() : List.of();
        for (Reply word : elements) {
            if (word instanceof Reply.StringReply text) {
                String value = text.text().toLowerCase(Locale.ROOT);
                out.add(categories && !value.startsWith("@") ? "@" + value : value);
            }
        }
        return Set.copyOf(out);
    }

    /**
     * One command's entry.
     *
     * @param name       upper case; subcommands as {@code CONFIG|GET}
     * @param arity      Redis arity (negative: at least)
     * @param flags      e.g. {@code write}, {@code readonly}, {@code blocking}, {@code movablekeys}
     * @param categories ACL categories with their {@code @}, e.g. {@code @read}, {@code @dangerous}
     * @param firstKey   legacy first key position (0: none), counting the command name as 0
     * @param lastKey    legacy last key position (negative: from the end)
     * @param step       legacy step between keys
     * @param keySpecs   Redis 7 key specifications
     */
    public record CommandSpec(String name, int arity, Set<String> flags, Set<String> categories, int firstKey,
                              int lastKey, int step, List<KeySpec> keySpecs) {

        /** Whether the server flags the command {@code readonly}. */
        public boolean readOnly() {
            return flags.contains("readonly");
        }

        /** Whether a script may call the command (no {@code noscript} flag). */
        public boolean scriptCallable() {
            return !flags.contains("noscript");
        }

        /** Whether the server flags the command {@code write}. */
        public boolean writes() {
            return flags.contains("write");
        }

        /** Whether the command blocks ({@code blocking} flag). */
        public boolean blocking() {
            return flags.contains("blocking");
        }

        /** The key count of the one-index-one-range shape, computed from the argument count; {@code -1} otherwise. */
        int simpleKeyCount(int argCount) {
            if (keySpecs.size() != 1) {
                return -1;
            }
            KeySpec spec = keySpecs.getFirst();
            if (!spec.beginType().equals("index") || !spec.findType().equals("range") || spec.limit() > 1
                    || spec.lastKey() < -1) {
                return -1;
            }
            int begin = spec.index();
            int last = spec.lastKey() == -1 ? argCount : begin + spec.lastKey();
            last = Math.min(last, argCount);
            return last < begin ? 0 : (last - begin) / Math.max(spec.keyStep(), 1) + 1;
        }

        Optional<List<byte[]>> keys(List<byte[]> args) {
            if (!keySpecs.isEmpty()) {
                List<byte[]> keys = new ArrayList<>();
                for (KeySpec spec : keySpecs) {
                    if (!spec.collect(args, keys)) {
                        return Optional.empty();
                    }
                }
                return Optional.of(keys);
            }
            if (flags.contains("movablekeys")) {
                return Optional.empty();
            }
            List<byte[]> keys = new ArrayList<>();
            if (firstKey > 0) {
                int last = lastKey < 0 ? args.size() + lastKey + 1 : lastKey;
                for (int position = firstKey; position <= last && position - 1 < args.size();
                     position += Math.max(step, 1)) {
                    keys.add(args.get(position - 1));
                }
            }
            return Optional.of(keys);
        }
    }

    /** A Redis 7 key specification: where to start looking, then how to find the keys. */
    public record KeySpec(String beginType, int index, String keyword, int startFrom, String findType, int lastKey,
                          int keyStep, int limit, int keyNumIndex, int firstKey) {

        static List<KeySpec> parseAll(Reply reply) {
            List<KeySpec> out = new ArrayList<>();
            for (Reply element : elements(reply)) {
                Map<String, Reply> fields = fields(element);
                Map<String, Reply> begin = fields(fields.get("begin_search"));
                Map<String, Reply> beginSpec = fields(begin.get("spec"));
                Map<String, Reply> find = fields(fields.get("find_keys"));
                Map<String, Reply> findSpec = fields(find.get("spec"));
                out.add(new KeySpec(text(begin.get("type")), (int) integer(beginSpec.get("index")),
                        text(beginSpec.get("keyword")), (int) integer(beginSpec.get("startfrom")),
                        text(find.get("type")), (int) integer(findSpec.get("lastkey")),
                        (int) integer(findSpec.get("keystep")), (int) integer(findSpec.get("limit")),
                        (int) integer(findSpec.get("keynumidx")), (int) integer(findSpec.get("firstkey"))));
            }
            return out;
        }

        /** Adds the keys this spec finds in {@code args} (positions count the command name as 0). */
        boolean collect(List<byte[]> args, List<byte[]> keys) {
            int begin;
            switch (beginType) {
                case "index" -> begin = index;
                case "keyword" -> {
                    begin = -1;
                    int from = startFrom >= 0 ? startFrom : args.size() + 1 + startFrom;
                    int direction = startFrom >= 0 ? 1 : -1;
                    for (int position = from; position >= 1 && position <= args.size(); position += direction) {
                        if (new String(args.get(position - 1), StandardCharsets.UTF_8).equalsIgnoreCase(keyword)) {
                            begin = position + 1;
                            break;
                        }
                    }
                    if (begin < 0) {
                        return true;
                    }
                }
                default -> {
                    return false;
                }
            }
            switch (findType) {
                case "range" -> {
                    int last;
                    if (lastKey >= 0) {
                        last = begin + lastKey;
                    } else if (lastKey == -1) {
                        last = args.size();
                    } else {
                        last = args.size() + 1 + lastKey;
                    }
                    if (limit > 1 && lastKey < 0) {
                        last = begin + (args.size() - begin + 1) / limit - 1;
                    }
                    for (int position = begin; position <= last && position <= args.size();
                         position += Math.max(keyStep, 1)) {
                        keys.add(args.get(position - 1));
                    }
                    return true;
                }
                case "keynum" -> {
                    int countPosition = begin + keyNumIndex;
                    if (countPosition < 1 || countPosition > args.size()) {
                        return false;
                    }
                    int count;
                    try {
                        count = Integer.parseInt(new String(args.get(countPosition - 1), StandardCharsets.UTF_8));
                    } catch (NumberFormatException e) {
                        return false;
                    }
                    int first = begin + firstKey;
                    for (int i = 0; i < count; i++) {
                        int position = first + i * Math.max(keyStep, 1);
                        if (position > args.size()) {
                            return false;
                        }
                        keys.add(args.get(position - 1));
                    }
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }

        private static Map<String, Reply> fields(Reply reply) {
            Map<String, Reply> out = new HashMap<>();
            if (reply instanceof Reply.MapReply map) {
                for (Reply.MapReply.Entry entry : map.entries()) {
                    out.put(text(entry.key()), entry.value());
                }
            } else if (reply instanceof Reply.ArrayReply array) {
                for (int i = 0; i + 1 < array.elements().size(); i += 2) {
                    out.put(text(array.elements().get(i)), array.elements().get(i + 1));
                }
            }
            return out;
        }

        private static String text(Reply reply) {
            return reply instanceof Reply.StringReply s ? s.text() : "";
        }
    }
}
