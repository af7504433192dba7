package dev.redisconnector.server.upstash;

import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.reply.ReplyJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Writes replies the way the Upstash REST protocol shapes them: RESP2 replies (the handler runs every command on a
 * RESP2 connection, so Redis itself decides each reply's shape), strings as JSON strings, integers as numbers, nil as
 * {@code null}, errors inside arrays as strings, and with {@code Upstash-Encoding: base64} every string base64-encoded
 * except a top-level {@code OK} status. A RESP3 type, should one arrive, is written as RESP2 shows it (maps flat,
 * sets as arrays, doubles and big numbers as strings, booleans as {@code 1}/{@code 0}). Stateless.
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
