package dev.redisconnector.server.config;

import java.util.Objects;

/**
 * One setting: its name (an environment variable, or a key in the config file), how its text is parsed and checked,
 * its default and what it means. A bad value fails with an {@link IllegalArgumentException} naming the setting and
 * what it expected. Immutable.
 *
 * @param <T> the parsed type
 */
public record Setting<T>(String name, Type<T> type, String defaultValue, String description) {

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
    }

    /** Parses a setting's text. */
    @FunctionalInterface
    public interface Type<T> {
        /**
         * @throws IllegalArgumentException saying what was expected (without the setting's name, which the caller
         *                                  adds)
         */
        T parse(String raw);
    }

    /** The value of {@code raw} for this setting; fails naming the setting and what it expected. */
    public T parse(String raw) {
        try {
            return type.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be " + e.getMessage(), e);
        }
    }

    /** Whether the value is a secret (never shown: logs, {@code toString}). */
    public boolean secret() {
        return name.contains("PASSWORD") || name.contains("SECRET") || name.contains("TOKEN")
                || name.equals("RC_MASTER_KEY");
    }

    /** Any text. */
    public static final Type<String> TEXT = raw -> raw;

    /** {@code true} or {@code false}. */
    public static final Type<Boolean> BOOLEAN = raw -> {
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new IllegalArgumentException("true or false, not '" + raw + "'");
        }
        return Boolean.parseBoolean(raw);
    };

    /** A whole number of at least 0. */
    public static final Type<Long> NON_NEGATIVE = raw -> {
        long value = whole(raw);
        if (value < 0) {
            throw new IllegalArgumentException("a whole number of at least 0, not '" + raw + "'");
        }
        return value;
    };

    /** A whole number of at least 1. */
    public static final Type<Long> POSITIVE = raw -> {
        long value = whole(raw);
        if (value <= 0) {
            throw new IllegalArgumentException("a positive number, not '" + raw + "'");
        }
        return value;
    };

    /** A TCP port, 0 to 65535 (0: any free port). */
    public static final Type<Long> PORT = raw -> {
        long value = whole(raw);
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException("between 0 and 65535, not '" + raw + "'");
        }
        return value;
    };

    /** Empty (off), or at least 16 characters. */
    public static final Type<String> ADMIN_TOKEN = raw -> {
        if (!raw.isEmpty() && raw.length() < 16) {
            throw new IllegalArgumentException("at least 16 characters (or empty, which turns the admin API off)");
        }
        return raw;
    };

    /** A base path like {@code /upstash}, not one the server's own endpoints use; empty: off. */
    public static final Type<String> UPSTASH_PATH = raw -> {
        if (!raw.isEmpty() && (!raw.startsWith("/") || raw.equals("/") || raw.startsWith("/v1/")
                || raw.startsWith("/health") || raw.contains("?") || raw.contains(" "))) {
            throw new IllegalArgumentException("a path like /upstash (not /, /v1/... or /health...), or empty to turn"
                    + " the Upstash protocol off");
        }
        return raw;
    };

    /** {@code text} or {@code json}. */
    public static final Type<String> LOG_FORMAT = raw -> {
        if (!raw.equals("text") && !raw.equals("json")) {
            throw new IllegalArgumentException("text or json, not '" + raw + "'");
        }
        return raw;
    };

    /** {@code auto}, {@code io_uring} or {@code epoll}. */
    public static final Type<String> TRANSPORT = raw -> {
        if (!raw.equals("auto") && !raw.equals("io_uring") && !raw.equals("epoll")) {
            throw new IllegalArgumentException("auto, io_uring or epoll, not '" + raw + "'");
        }
        return raw;
    };

    private static long whole(String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a whole number, not '" + raw + "'");
        }
    }
}
