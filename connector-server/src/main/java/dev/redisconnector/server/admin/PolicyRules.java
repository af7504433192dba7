package dev.redisconnector.server.admin;

import dev.redisconnector.server.http.AdminErrors;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the allow and deny rules of a policy when it is saved, so a typo ({@code @nonexistent}, {@code FOOBAR}) is
 * refused with the list of what exists instead of being stored and matching nothing. Categories are Redis's ACL
 * categories; command names are the commands Redis (and Lettuce) know, their {@code CONTAINER|subcommand} forms, and
 * module commands (a dotted name such as {@code JSON.GET}). Stateless.
 */
final class PolicyRules {

    /** Redis's ACL categories ({@code ACL CAT}), with their {@code @}. */
    static final Set<String> CATEGORIES = Set.of("@keyspace", "@read", "@write", "@set", "@sortedset", "@list",
            "@hash", "@string", "@bitmap", "@hyperloglog", "@geo", "@stream", "@pubsub", "@admin", "@fast", "@slow",
            "@blocking", "@dangerous", "@connection", "@transaction", "@scripting");

    private static final Set<String> COMMANDS = commands();

    private PolicyRules() {
    }

    private static Set<String> commands() {
        Set<String> names = new TreeSet<>();
        for (CommandType type : CommandType.values()) {
            names.add(type.name().replace('_', ' ').split(" ")[0]);
            names.add(type.name());
        }
        // commands Lettuce has no constant for, that a policy may still name
        names.addAll(List.of("EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO", "FUNCTION", "SORT_RO", "LCS", "LMPOP",
                "BLMPOP", "ZMPOP", "BZMPOP", "SINTERCARD", "ZINTERCARD", "WAITAOF", "SPUBLISH", "SSUBSCRIBE",
                "SUNSUBSCRIBE", "EXPIRETIME", "PEXPIRETIME", "OBJECT", "GETEX", "GETDEL", "COPY", "LPOS"));
        return Set.copyOf(names);
    }

    /** Throws {@code INVALID_REQUEST} naming each unknown rule of {@code what} ("allow" or "deny"). */
    static void check(String what, Collection<String> rules) {
        List<String> unknown = new ArrayList<>();
        for (String rule : rules) {
            String upper = rule.strip().toUpperCase(Locale.ROOT);
            if (upper.startsWith("@")) {
                if (!CATEGORIES.contains(upper.toLowerCase(Locale.ROOT))) {
                    unknown.add(rule);
                }
            } else if (!upper.contains(".")) {
                String container = upper.contains("|") ? upper.substring(0, upper.indexOf('|')) : upper;
                if (!COMMANDS.contains(container)) {
                    unknown.add(rule);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw AdminErrors.invalid(what + " rules name what Redis does not have: " + String.join(", ", unknown)
                    + ". Rules are command names (GET, CONFIG|GET, JSON.GET) or categories: "
                    + String.join(" ", new TreeSet<>(CATEGORIES)) + ".");
        }
    }
}
