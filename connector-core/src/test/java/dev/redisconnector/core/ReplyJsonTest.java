package dev.redisconnector.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.reply.ReplyJson;
import dev.redisconnector.core.reply.ReplyJsonBytes;
import dev.redisconnector.core.reply.ReplyValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class ReplyJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mapsEachTypeAsTheDesignSays() {
        assertThat(ReplyJson.toJson(Reply.StringReply.of("OK"), Encoding.UTF8)).isEqualTo("\"OK\"");
        assertThat(ReplyJson.toJson(new Reply.IntegerReply(-7), Encoding.UTF8)).isEqualTo("-7");
        assertThat(ReplyJson.toJson(Reply.NullReply.INSTANCE, Encoding.UTF8)).isEqualTo("null");
        assertThat(ReplyJson.toJson(new Reply.DoubleReply(1.5), Encoding.UTF8)).isEqualTo("1.5");
        assertThat(ReplyJson.toJson(new Reply.DoubleReply(Double.POSITIVE_INFINITY), Encoding.UTF8))
                .isEqualTo("\"inf\"");
        assertThat(ReplyJson.toJson(new Reply.DoubleReply(Double.NEGATIVE_INFINITY), Encoding.UTF8))
                .isEqualTo("\"-inf\"");
        assertThat(ReplyJson.toJson(new Reply.DoubleReply(Double.NaN), Encoding.UTF8)).isEqualTo("\"nan\"");
        assertThat(ReplyJson.toJson(new Reply.BooleanReply(true), Encoding.UTF8)).isEqualTo("true");
        assertThat(ReplyJson.toJson(new Reply.BigNumberReply("123456789012345678901234567890"), Encoding.UTF8))
                .isEqualTo("\"123456789012345678901234567890\"");
        assertThat(ReplyJson.toJson(new Reply.ErrorReply("WRONGTYPE x"), Encoding.UTF8))
                .isEqualTo("{\"error\":\"WRONGTYPE x\"}");
        assertThat(ReplyJson.toJson(new Reply.SetReply(List.of(Reply.StringReply.of("a"))), Encoding.UTF8))
                .isEqualTo("[\"a\"]");
    }

    @Test
    void mapWithStringKeysIsAnObjectOtherwisePairs() {
        Reply.MapReply strings = new Reply.MapReply(List.of(
                new Reply.MapReply.Entry(Reply.StringReply.of("f"), Reply.StringReply.of("v"))));
        assertThat(ReplyJson.toJson(strings, Encoding.UTF8)).isEqualTo("{\"f\":\"v\"}");
        Reply.MapReply mixed = new Reply.MapReply(List.of(
                new Reply.MapReply.Entry(new Reply.IntegerReply(1), Reply.StringReply.of("v"))));
        assertThat(ReplyJson.toJson(mixed, Encoding.UTF8)).isEqualTo("[[1,\"v\"]]");
    }

    @Test
    void base64EncodesEveryString() {
        Reply binary = new Reply.ArrayReply(List.of(new Reply.StringReply(new byte[] {0, (byte) 0xFF}, false),
                new Reply.StringReply("OK".getBytes(), true)));
        assertThat(ReplyJson.toJson(binary, Encoding.BASE64)).isEqualTo("[\"AP8=\",\"T0s=\"]");
    }

    @Test
    void escapesControlCharactersAndReplacesInvalidUtf8() {
        Reply text = new Reply.StringReply(new byte[] {'a', '"', '\n', 1, (byte) 0xC3}, false);
        assertThat(ReplyJson.toJson(text, Encoding.UTF8)).isEqualTo("\"a\\\"\\n\\u0001\uFFFD\"");
    }

    @Property(tries = 300)
    void jsonIsValidAndAgreesWithJavaValues(@ForAll("replies") Reply reply) throws Exception {
        for (Encoding encoding : Encoding.values()) {
            String json = ReplyJson.toJson(reply, encoding);
            Object parsed = JSON.readValue(json, Object.class);
            assertThat(normalize(parsed)).isEqualTo(normalize(ReplyValues.toJava(reply, encoding)));
        }
    }

    @Property(tries = 500)
    void byteWriterMatchesTextWriter(@ForAll("replies") Reply reply) {
        for (Encoding encoding : Encoding.values()) {
            byte[] bytes = ReplyJsonBytes.encode(reply, encoding,
                    "{\"output1\":".getBytes(StandardCharsets.UTF_8), new byte[] {'}'});
            assertThat(new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo("{\"output1\":" + ReplyJson.toJson(reply, encoding) + "}");
        }
    }

    @Test
    void byteWriterHandlesEdgeCasesOfUtf8() {
        byte[][] samples = {"héllo €".getBytes(StandardCharsets.UTF_8),
                "\u2028x\u2029".getBytes(StandardCharsets.UTF_8),
                {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xC0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {'a', 0x1F, 0x7F, '\\', '"'}};
        for (byte[] sample : samples) {
            Reply reply = new Reply.StringReply(sample, false);
            assertThat(new String(ReplyJsonBytes.encode(reply, Encoding.UTF8,
                    new byte[0], new byte[0]), StandardCharsets.UTF_8))
                    .isEqualTo(ReplyJson.toJson(reply, Encoding.UTF8));
        }
    }

    @Test
    void byteWriterScratchNeitherLeaksNorLimitsAcrossReplies() throws Exception {
        // one thread's scratch buffer is reused: a large reply (beyond what is kept), then small ones, then large
        // ones again, each exactly what the text writer says; on a virtual thread (no scratch) too
        byte[] large = "x\"y".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        Reply[] replies = {new Reply.StringReply(large, false), new Reply.StringReply("ab".getBytes(
                StandardCharsets.UTF_8), false), new Reply.IntegerReply(7), new Reply.StringReply(large, false),
                new Reply.ArrayReply(List.of(new Reply.StringReply(large, false), Reply.NullReply.INSTANCE))};
        Runnable check = () -> {
            for (Reply reply : replies) {
                assertThat(new String(ReplyJsonBytes.encode(reply, Encoding.UTF8, new byte[] {'['},
                        new byte[] {']'}), StandardCharsets.UTF_8))
                        .isEqualTo("[" + ReplyJson.toJson(reply, Encoding.UTF8) + "]");
            }
        };
        check.run();
        check.run();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                check.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        }).join();
        assertThat(failed.get()).isNull();
    }

    /** Numbers compared as doubles: JSON does not keep Long vs Double. */
    private static Object normalize(Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(element -> out.add(normalize(element)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, normalize(v)));
            return out;
        }
        return value;
    }

    @Provide
    Arbitrary<Reply> replies() {
        return reply(3);
    }

    private Arbitrary<Reply> reply(int depth) {
        Arbitrary<Reply> leaf = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> new Reply.StringReply(b, false)),
                Arbitraries.strings().ofMaxLength(20).map(Reply.StringReply::of),
                Arbitraries.longs().map(Reply.IntegerReply::new),
                Arbitraries.doubles().map(Reply.DoubleReply::new),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3.0)
                        .map(Reply.DoubleReply::new),
                Arbitraries.of(true, false).map(Reply.BooleanReply::new),
                Arbitraries.bigIntegers().map(b -> new Reply.BigNumberReply(b.toString())),
                Arbitraries.just(Reply.NullReply.INSTANCE),
                Arbitraries.strings().ofMaxLength(20).map(Reply.ErrorReply::new));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Reply> child = Arbitraries.lazy(() -> reply(depth - 1));
        return Arbitraries.frequencyOf(
                Tuple.of(5, leaf),
                Tuple.of(1, child.list().ofMaxSize(4).map(Reply.ArrayReply::new)),
                Tuple.of(1, child.list().ofMaxSize(4).map(Reply.SetReply::new)),
                Tuple.of(1, Combinators.combine(leaf, child)
                        .as(Reply.MapReply.Entry::new).list().ofMaxSize(4).map(Reply.MapReply::new)));
    }
}
