package dev.redisconnector.core.policy;

import dev.redisconnector.core.Printable;
import dev.redisconnector.core.command.VerifiedCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules that keep a command inside its service's database and key namespace when the command reaches further
 * than its key positions: another database ({@code MOVE}, {@code COPY ... DB}, {@code SWAPDB}), another server
 * ({@code MIGRATE}, {@code REPLICAOF}), or names it lists rather than keys it names ({@code SCAN}, {@code KEYS},
 * {@code RANDOMKEY}, {@code PUBSUB CHANNELS}, {@code SORT ... BY/GET}). No allow rule lifts them. Stateless.
 *
 * <p>Each method returns the command to send (a listing confined to the namespace may get a {@code MATCH} added) or
 * the reason it is refused ({@link Refusal}).
 */
final class ScopeRules {

    /** Commands that make the Redis server connect to an address the connector never checked. */
    static final Set<String> OTHER_SERVERS = Set.of("MIGRATE", "REPLICAOF", "SLAVEOF");

    /** Commands whose keys these rules find themselves (the server's key specifications say "unknown"). */
    static final Set<String> KEYS_FOUND_HERE = Set.of("SORT", "SORT_RO");

    /** Commands refused under a key namespace: they list or count names outside it, and take no pattern. */
    static final Set<String> UNCONFINED_LISTINGS = Set.of("RANDOMKEY", "DBSIZE", "PUBSUB|NUMPAT", "FUNCTION|LIST",
            "FUNCTION|DUMP");

    /** Commands refused under a key namespace: they name keys where the command table does not say. */
    static final Set<String> UNKNOWN_KEYS = Set.of("DEBUG");

    /** A refusal's reason, as it completes "X is not allowed for client 'c': ...". */
    static final class Refusal extends RuntimeException {
        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    private ScopeRules() {
    }

    /** Rules for every service: nothing reaches another database or makes Redis connect elsewhere. */
    static void checkDatabase(VerifiedCommand command, int database) {
        String name = command.name();
        if (OTHER_SERVERS.contains(name)) {
            throw new Refusal("it makes the Redis server connect to an address the connector's host policy never"
                    + " checked, and no policy lifts that");
        }
        if (name.equals("SWAPDB")) {
            throw new Refusal("it swaps the service's database with another, and a service only ever reaches its own"
                    + " database (" + database + ")");
        }
        if (name.equals("MOVE")) {
            throw new Refusal("it moves a key into another database, and a service only ever reaches its own"
                    + " database (" + database + ")");
        }
        if (name.equals("COPY")) {
            for (int i = 2; i + 1 < command.args().size(); i++) {
                if (command.argText(i).equalsIgnoreCase("DB") && !command.argText(i + 1).strip()
                        .equals(Integer.toString(database))) {
                    throw new Refusal("COPY ... DB " + printable(command.argText(i + 1)) + " writes into another"
                            + " database, and a service only ever reaches its own database (" + database + ")");
                }
            }
        }
    }

    /**
     * Rules under a key namespace for commands that list names or read keys outside their key positions.
     *
     * @return the command to send: the same one, or a listing with the namespace added as its {@code MATCH}
     */
    static VerifiedCommand confineToNamespace(VerifiedCommand command, String qualifiedName, List<String> prefixes) {
        if (UNCONFINED_LISTINGS.contains(qualifiedName)) {
            throw new Refusal(qualifiedName.replace('|', ' ') + " lists or counts names outside the service's key"
                    + " namespace (" + namespace(prefixes) + ")");
        }
        if (UNKNOWN_KEYS.contains(command.name())) {
            throw new Refusal(command.name() + " names keys the connector cannot find, so it cannot be checked"
                    + " against the service's key namespace (" + namespace(prefixes) + ")");
        }
        return switch (qualifiedName) {
            case "SCAN" -> confineScan(command, prefixes);
            case "KEYS" -> {
                if (!command.args().isEmpty()) {
                    requireInside(command.argText(0), prefixes, "pattern");
                }
                yield command;
            }
            case "PUBSUB|CHANNELS", "PUBSUB|SHARDCHANNELS" -> confinePattern(command, prefixes);
            case "PUBSUB|NUMSUB", "PUBSUB|SHARDNUMSUB" -> {
                for (int i = 1; i < command.args().size(); i++) {
                    requireLiteralPrefix(command.argText(i), prefixes, "channel");
                }
                yield command;
            }
            case "SORT", "SORT_RO" -> {
                confineSortPatterns(command, prefixes);
                yield command;
            }
            default -> command;
        };
    }

    /** SCAN: every MATCH inside the namespace; without one, the namespace becomes the MATCH. */
    private static VerifiedCommand confineScan(VerifiedCommand command, List<String> prefixes) {
        boolean matched = false;
        for (int i = 1; i + 1 < command.args().size(); i += 2) {
            if (command.argText(i).equalsIgnoreCase("MATCH")) {
                requireInside(command.argText(i + 1), prefixes, "MATCH pattern");
                matched = true;
            }
        }
        if (matched) {
            return command;
        }
        if (prefixes.size() > 1) {
            throw new Refusal("the service has several key namespaces (" + namespace(prefixes) + "): name one with"
                    + " MATCH, e.g. MATCH " + escapeGlob(prefixes.getFirst()) + "*");
        }
        List<byte[]> args = new ArrayList<>(command.args());
        args.add("MATCH".getBytes(StandardCharsets.US_ASCII));
        args.add((escapeGlob(prefixes.getFirst()) + "*").getBytes(StandardCharsets.UTF_8));
        return new VerifiedCommand(command.name(), args);
    }

    /** PUBSUB CHANNELS [pattern]: the pattern inside the namespace; without one, the namespace is the pattern. */
    private static VerifiedCommand confinePattern(VerifiedCommand command, List<String> prefixes) {
        if (command.args().size() > 1) {
            requireInside(command.argText(1), prefixes, "pattern");
            return command;
        }
        if (prefixes.size() > 1) {
            throw new Refusal("the service has several key namespaces (" + namespace(prefixes) + "): name one as the"
                    + " pattern, e.g. " + escapeGlob(prefixes.getFirst()) + "*");
        }
        List<byte[]> args = new ArrayList<>(command.args());
        args.add((escapeGlob(prefixes.getFirst()) + "*").getBytes(StandardCharsets.UTF_8));
        return new VerifiedCommand(command.name(), args);
    }

    /**
     * SORT's keys, which its key specifications leave unknown: the sorted key, the {@code STORE} destination, and the
     * keys that {@code BY} and {@code GET} patterns name (each pattern must start inside the namespace).
     */
    private static void confineSortPatterns(VerifiedCommand command, List<String> prefixes) {
        if (!command.args().isEmpty()) {
            requireLiteralPrefix(command.argText(0), prefixes, "key");
        }
        for (int i = 1; i + 1 < command.args().size(); i++) {
            String option = command.argText(i).toUpperCase(Locale.ROOT);
            String value = command.argText(i + 1);
            if (option.equals("BY") && value.contains("*") || option.equals("GET") && !value.equals("#")) {
                requireLiteralPrefix(value, prefixes, option + " pattern");
                i++;
            } else if (option.equals("STORE")) {
                requireLiteralPrefix(value, prefixes, "key");
                i++;
            } else if (option.equals("LIMIT")) {
                i += 2;
            }
        }
    }

    /** A glob pattern whose literal start (before any {@code * ? [}) lies in a namespace. */
    static void requireInside(String pattern, List<String> prefixes, String what) {
        String literal = literalStart(pattern);
        for (String prefix : prefixes) {
            if (literal.startsWith(prefix)) {
                return;
            }
        }
        throw new Refusal("the " + what + " '" + printable(pattern) + "' reaches outside the service's key namespace ("
                + namespace(prefixes) + "); start it with the namespace, e.g. " + escapeGlob(prefixes.getFirst())
                + "*");
    }

    /** A name (or a SORT pattern, whose first {@code *} is replaced) that starts inside a namespace. */
    private static void requireLiteralPrefix(String value, List<String> prefixes, String what) {
        int star = value.indexOf('*');
        String fixed = star < 0 ? value : value.substring(0, star);
        for (String prefix : prefixes) {
            if (fixed.startsWith(prefix)) {
                return;
            }
        }
        throw new Refusal("the " + what + " '" + printable(value) + "' is outside the service's key namespace ("
                + namespace(prefixes) + ")");
    }

    /** The part of a Redis glob pattern before its first special character, with escapes resolved. */
    static String literalStart(String pattern) {
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literal.append(pattern.charAt(++i));
            } else if (c == '*' || c == '?' || c == '[') {
                break;
            } else {
                literal.append(c);
            }
        }
        return literal.toString();
    }

    /** A prefix written as a glob that matches it literally. */
    static String escapeGlob(String prefix) {
        StringBuilder out = new StringBuilder(prefix.length() + 4);
        for (char c : prefix.toCharArray()) {
            if ("*?[]\\".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    static String namespace(List<String> prefixes) {
        return String.join(", ", prefixes.stream().map(prefix -> prefix + "*").toList());
    }

    static String printable(String text) {
        return Printable.quote(text, 60);
    }
}
