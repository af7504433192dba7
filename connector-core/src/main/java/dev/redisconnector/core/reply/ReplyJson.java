package dev.redisconnector.core.reply;

import dev.redisconnector.core.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a {@link Reply} as JSON, following the design's reply mapping. Stateless and thread-safe.
 *
 * <p>string → string (UTF-8, or base64 in {@link Encoding#BASE64}); integer → number; null → {@code null}; array and
 * set → array; map → object when every key is a string, else an array of {@code [key, value]} pairs; double →
 * number ({@code "inf"}, {@code "-inf"}, {@code "nan"} as strings); boolean → boolean; big number → string; an error
 * inside an aggregate → {@code {"error": "..."}}.
 */
public final class ReplyJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ReplyJson() {
    }

    /** The reply as a JSON text. */
    public static String toJson(Reply reply, Encoding encoding) {
        StringBuilder out = new StringBuilder(64);
        write(reply, encoding, out);
        return out.toString();
    }

    /** Appends the reply's JSON to {@code out}. */
    public static void write(Reply reply, Encoding encoding, StringBuilder out) {
        switch (reply) {
            case Reply.StringReply s -> writeBytes(s.bytes(), encoding, out);
            case Reply.IntegerReply i -> out.append(i.value());
            case Reply.DoubleReply d -> writeDouble(d.value(), out);
            case Reply.BooleanReply b -> out.append(b.value());
            case Reply.BigNumberReply n -> writeString(n.value(), out);
            case Reply.NullReply ignored -> out.append("null");
            case Reply.ArrayReply a -> writeList(a.elements(), encoding, out);
            case Reply.SetReply s -> writeList(s.elements(), encoding, out);
            case Reply.MapReply m -> writeMap(m, encoding, out);
            case Reply.ErrorReply e -> {
                out.append("{\"error\":");
                writeString(e.message(), out);
                out.append('}');
            }
        }
    }

    private static void writeList(List<Reply> elements, Encoding encoding, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(elements.get(i), encoding, out);
        }
        out.append(']');
    }

    private static void writeMap(Reply.MapReply map, Encoding encoding, StringBuilder out) {
        boolean stringKeys = map.entries().stream().allMatch(e -> e.key() instanceof Reply.StringReply);
        if (stringKeys && hasUniqueKeys(map)) {
            out.append('{');
            boolean first = true;
            for (Reply.MapReply.Entry entry : map.entries()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeBytes(((Reply.StringReply) entry.key()).bytes(), encoding, out);
                out.append(':');
                write(entry.value(), encoding, out);
            }
            out.append('}');
            return;
        }
        out.append('[');
        boolean first = true;
        for (Reply.MapReply.Entry entry : map.entries()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('[');
            write(entry.key(), encoding, out);
            out.append(',');
            write(entry.value(), encoding, out);
            out.append(']');
        }
        out.append(']');
    }

    /** Keys that decode to the same text (possible with invalid UTF-8) would collapse in an object. */
    static boolean hasUniqueKeys(Reply.MapReply map) {
        if (map.entries().size() < 2) {
            return true;
        }
        Set<String> seen = new HashSet<>();
        for (Reply.MapReply.Entry entry : map.entries()) {
            if (!seen.add(((Reply.StringReply) entry.key()).text())) {
                return false;
            }
        }
        return true;
    }

    static void writeDouble(double value, StringBuilder out) {
        if (Double.isNaN(value)) {
            out.append("\"nan\"");
        } else if (value == Double.POSITIVE_INFINITY) {
            out.append("\"inf\"");
        } else if (value == Double.NEGATIVE_INFINITY) {
            out.append("\"-inf\"");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
    }

    private static void writeBytes(byte[] bytes, Encoding encoding, StringBuilder out) {
        if (encoding == Encoding.BASE64) {
            out.append('"').append(Base64.getEncoder().encodeToString(bytes)).append('"');
        } else {
            writeString(new String(bytes, StandardCharsets.UTF_8), out);
        }
    }

    /** Appends a JSON string literal with every character that needs it escaped. */
    public static void writeString(String value, StringBuilder out) {
        out.append('"');
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c) && !validSurrogate(value, i)) {
                        char escaped = Character.isSurrogate(c) ? '\uFFFD' : c;
                        out.append("\\u").append(HEX[escaped >> 12 & 0xF]).append(HEX[escaped >> 8 & 0xF])
                                .append(HEX[escaped >> 4 & 0xF]).append(HEX[escaped & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogate(String value, int index) {
        char c = value.charAt(index);
        if (Character.isHighSurrogate(c)) {
            return index + 1 < value.length() && Character.isLowSurrogate(value.charAt(index + 1));
        }
        return index > 0 && Character.isHighSurrogate(value.charAt(index - 1));
    }
}
