package dev.redisconnector.core.reply;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Redis reply, RESP2 or RESP3. Immutable; byte arrays inside are never modified after construction.
 */
public sealed interface Reply {

    /** Simple, bulk or verbatim string. {@code simple} is true for status replies such as {@code OK}. */
    record StringReply(byte[] bytes, boolean simple) implements Reply {
        public StringReply {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** A bulk string of UTF-8 text. */
        public static StringReply of(String text) {
            return new StringReply(text.getBytes(StandardCharsets.UTF_8), false);
        }

        /** The bytes decoded as UTF-8 (invalid sequences become U+FFFD). */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StringReply that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "StringReply[" + text() + "]";
        }
    }

    /** Integer. */
    record IntegerReply(long value) implements Reply {
    }

    /** RESP3 double, including infinities and NaN. */
    record DoubleReply(double value) implements Reply {
    }

    /** RESP3 boolean. */
    record BooleanReply(boolean value) implements Reply {
    }

    /** RESP3 big number, kept as its decimal text. */
    record BigNumberReply(String value) implements Reply {
    }

    /** Nil bulk string, nil array or RESP3 null. */
    enum NullReply implements Reply {
        INSTANCE
    }

    /** Array (or RESP3 push). */
    record ArrayReply(List<Reply> elements) implements Reply {
        public ArrayReply {
            elements = List.copyOf(elements);
        }
    }

    /** RESP3 set. */
    record SetReply(List<Reply> elements) implements Reply {
        public SetReply {
            elements = List.copyOf(elements);
        }
    }

    /** RESP3 map, in the server's order. */
    record MapReply(List<Entry> entries) implements Reply {
        public MapReply {
            entries = List.copyOf(entries);
        }

        /** One key-value pair. */
        public record Entry(Reply key, Reply value) {
        }
    }

    /** An error inside an aggregate (EXEC, pipelines); top-level errors become {@code REDIS_ERROR}. */
    record ErrorReply(String message) implements Reply {
    }
}
