package dev.redisconnector.core.reply;

import dev.redisconnector.core.Encoding;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link Reply} into plain Java values with the same mapping as {@link ReplyJson}: {@link String},
 * {@link Long}, {@link Double} (or the strings {@code "inf"}, {@code "-inf"}, {@code "nan"}), {@link Boolean},
 * {@code null}, {@link List} and {@link Map}; an error inside an aggregate becomes {@code Map.of("error", message)}.
 * Stateless and thread-safe.
 */
public final class ReplyValues {

    private ReplyValues() {
    }

    /** The reply as plain Java values. */
    public static Object toJava(Reply reply, Encoding encoding) {
        return switch (reply) {
            case Reply.StringReply s -> encoding == Encoding.BASE64
                    ? Base64.getEncoder().encodeToString(s.bytes()) : s.text();
            case Reply.IntegerReply i -> i.value();
            case Reply.DoubleReply d -> Double.isFinite(d.value()) ? (Object) d.value()
                    : Double.isNaN(d.value()) ? "nan" : d.value() > 0 ? "inf" : "-inf";
            case Reply.BooleanReply b -> b.value();
            case Reply.BigNumberReply n -> n.value();
            case Reply.NullReply ignored -> null;
            case Reply.ArrayReply a -> list(a.elements(), encoding);
            case Reply.SetReply s -> list(s.elements(), encoding);
            case Reply.MapReply m -> map(m, encoding);
            case Reply.ErrorReply e -> Map.of("error", e.message());
        };
    }

    private static List<Object> list(List<Reply> elements, Encoding encoding) {
        List<Object> out = new ArrayList<>(elements.size());
        for (Reply element : elements) {
            out.add(toJava(element, encoding));
        }
        return out;
    }

    private static Object map(Reply.MapReply map, Encoding encoding) {
        boolean stringKeys = map.entries().stream().allMatch(e -> e.key() instanceof Reply.StringReply)
                && ReplyJson.hasUniqueKeys(map);
        if (stringKeys) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Reply.MapReply.Entry entry : map.entries()) {
                out.put((String) toJava(entry.key(), encoding), toJava(entry.value(), encoding));
            }
            return out;
        }
        List<Object> pairs = new ArrayList<>();
        for (Reply.MapReply.Entry entry : map.entries()) {
            List<Object> pair = new ArrayList<>(2);
            pair.add(toJava(entry.key(), encoding));
            pair.add(toJava(entry.value(), encoding));
            pairs.add(pair);
        }
        return pairs;
    }
}
