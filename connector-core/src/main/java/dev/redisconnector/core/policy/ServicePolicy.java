package dev.redisconnector.core.policy;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A service's command policy. Immutable.
 *
 * @param mode        {@link Mode#READ_WRITE} (default), {@link Mode#READ_ONLY} or {@link Mode#CUSTOM}
 * @param allow       command names ({@code KEYS}) or ACL categories ({@code @dangerous}) the operator allows; in
 *                    custom mode only these run
 * @param deny        names or categories refused whatever else says
 * @param keyPrefixes when not empty, every key (and {@code PUBLISH} channel) must start with one of these
 * @param scripting   whether scripts and functions ({@code EVAL}, {@code FCALL}, {@code FUNCTION LOAD}, ...) may
 *                    run; even then only once the connector has verified that the service's Redis user confines
 *                    scripts to this policy (see {@link ScriptConfinement})
 */
public record ServicePolicy(Mode mode, Set<String> allow, Set<String> deny, List<String> keyPrefixes,
                            boolean scripting) {

    /** Read-write, {@code @admin} and {@code @dangerous} denied, no key namespace, no scripts. */
    public static final ServicePolicy DEFAULT = new ServicePolicy(Mode.READ_WRITE, Set.of(), Set.of(), List.of());

    /** Categories refused unless allowed by name or category. */
    public static final Set<String> DENIED_BY_DEFAULT = Set.of("@admin", "@dangerous");

    /** Policy modes. */
    public enum Mode {
        READ_WRITE, READ_ONLY, CUSTOM;

        /** {@code read-write}, {@code read-only}, {@code custom}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses a wire name. */
        public static Mode parse(String text) {
            for (Mode mode : values()) {
                if (mode.wireName().equalsIgnoreCase(text == null ? "" : text.strip())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("policy mode must be read-write, read-only or custom");
        }
    }

    /** A policy without scripting. */
    public ServicePolicy(Mode mode, Set<String> allow, Set<String> deny, List<String> keyPrefixes) {
        this(mode, allow, deny, keyPrefixes, false);
    }

    /** The same policy with scripting on or off. */
    public ServicePolicy withScripting(boolean value) {
        return new ServicePolicy(mode, allow, deny, keyPrefixes, value);
    }

    public ServicePolicy {
        Objects.requireNonNull(mode, "mode");
        allow = normalize(allow, "allow");
        deny = normalize(deny, "deny");
        keyPrefixes = keyPrefixes == null ? List.of() : List.copyOf(keyPrefixes);
        if (keyPrefixes.size() > 100 || keyPrefixes.stream().anyMatch(p -> p.isEmpty() || p.length() > 200)) {
            throw new IllegalArgumentException("keyPrefixes: at most 100, each 1-200 characters");
        }
        if (mode == Mode.CUSTOM && allow.isEmpty()) {
            throw new IllegalArgumentException("a custom policy needs at least one allow rule");
        }
    }

    private static Set<String> normalize(Set<String> rules, String what) {
        if (rules == null) {
            return Set.of();
        }
        SortedSet<String> out = new TreeSet<>();
        for (String rule : rules) {
            String value = rule == null ? "" : rule.strip().toUpperCase(Locale.ROOT);
            if (!value.matches("@?[A-Z0-9._|:-]{1,100}")) {
                throw new IllegalArgumentException(what + " rules are command names (KEYS, CONFIG|GET) or categories"
                        + " (@dangerous)");
            }
            out.add(value.startsWith("@") ? value.toLowerCase(Locale.ROOT) : value);
        }
        if (out.size() > 500) {
            throw new IllegalArgumentException(what + ": at most 500 rules");
        }
        return Collections.unmodifiableSortedSet(out);
    }
}
