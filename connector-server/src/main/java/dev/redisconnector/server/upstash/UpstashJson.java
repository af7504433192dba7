package dev.redisconnector.server.upstash;

import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.reply.ReplyJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes replies the way the Upstash REST protocol shapes them: as a RESP2 client would see them (maps flattened to
 * {@code [k1, v1, k2, v2]}, sets as arrays, doubles as strings in Redis's own format, booleans as {@code 1}/{@code 0},
 * big numbers as strings), and with {@code Upstash-Encoding: base64} every string base64-encoded except a top-level
 * {@code OK} status. Stateless.
 */
final class UpstashJson {

    private UpstashJson() {
    }

    /** {@code {"result": ...}}. */
    static void result(Reply reply, boolean base64, StringBuilder out) {
        out.append("{\"result\":");
        write(reply, base64, true, out);
        out.append('}');
    }

    /**
     * Commands whose RESP3 reply nests {@code [member, score]} (or {@code [field, value]}) pairs where a RESP2 client
     * gets them flat. (Maps are flattened for every command.)
     */
    private static final Set<String> PAIRED = Set.of("ZRANGE", "ZRANGEBYSCORE", "ZRANGEBYLEX",
            "ZREVRANGE", "ZREVRANGEBYSCORE", "ZREVRANGEBYLEX", "ZPOPMIN", "ZPOPMAX", "ZRANDMEMBER", "HRANDFIELD",
            "ZUNION", "ZINTER", "ZDIFF");

    /** The reply as a RESP2 client of {@code command} would see it. */
    static Reply resp2(String command, Reply reply) {
        if (command == null || !(reply instanceof Reply.ArrayReply array) || array.elements().isEmpty()
                || !PAIRED.contains(command.strip().toUpperCase(Locale.ROOT))) {
            return reply;
        }
        List<Reply> flat = new ArrayList<>(array.elements().size() * 2);
        for (Reply element : array.elements()) {
            if (!(element instanceof Reply.ArrayReply pair) || pair.elements().size() != 2) {
                return reply;
            }
            flat.addAll(pair.elements());
        }
        return new Reply.ArrayReply(flat);
    }

    /** {@code {"error": "..."}}. */
    static void error(String message, StringBuilder out) {
        out.append("{\"error\":");
        ReplyJson.writeString(message, out);
        out.append('}');
    }

    private static void write(Reply reply, boolean base64, boolean top, StringBuilder out) {
        switch (reply) {
            case Reply.StringReply string -> {
                if (base64 && !(top && isOk(string.bytes()))) {
                    out.append('"').append(Base64.getEncoder().encodeToString(string.bytes())).append('"');
                } else {
                    ReplyJson.writeString(new String(string.bytes(), StandardCharsets.UTF_8), out);
                }
            }
            case Reply.IntegerReply integer -> out.append(integer.value());
            case Reply.DoubleReply number -> text(resp2Double(number.value()), base64, out);
            case Reply.BooleanReply bool -> out.append(bool.value() ? 1 : 0);
            case Reply.BigNumberReply big -> text(big.value(), base64, out);
            case Reply.ErrorReply error -> text(error.message(), base64, out);
            case Reply.ArrayReply array -> list(array.elements(), base64, out);
            case Reply.SetReply set -> list(set.elements(), base64, out);
            case Reply.MapReply map -> {
                out.append('[');
                for (int i = 0; i < map.entries().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(map.entries().get(i).key(), base64, false, out);
                    out.append(',');
                    write(map.entries().get(i).value(), base64, false, out);
                }
                out.append(']');
            }
            case Reply.NullReply ignored -> out.append("null");
        }
    }

    private static void list(List<Reply> elements, boolean base64, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(elements.get(i), base64, false, out);
        }
        out.append(']');
    }

    private static void text(String value, boolean base64, StringBuilder out) {
        if (base64) {
            out.append('"').append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
                    .append('"');
        } else {
            ReplyJson.writeString(value, out);
        }
    }

    private static boolean isOk(byte[] bytes) {
        return bytes.length == 2 && bytes[0] == 'O' && bytes[1] == 'K';
    }

    /** A double as Redis writes it for a RESP2 client: {@code 1}, {@code 1.5}, {@code inf}, {@code 1e+20}. */
    static String resp2Double(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e17) {
            return Long.toString((long) value);
        }
        String shortest = Double.toString(value);
        int exponent = shortest.indexOf('E');
        if (exponent < 0) {
            return new BigDecimal(shortest).stripTrailingZeros().toPlainString();
        }
        String mantissa = new BigDecimal(shortest.substring(0, exponent)).stripTrailingZeros().toPlainString();
        int power = Integer.parseInt(shortest.substring(exponent + 1));
        return mantissa + "e" + (power < 0 ? "-" : "+") + String.format("%02d", Math.abs(power));
    }
}
