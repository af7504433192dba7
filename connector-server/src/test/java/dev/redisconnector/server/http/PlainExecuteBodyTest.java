package dev.redisconnector.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.ExecuteOptions;
import dev.redisconnector.core.Inputs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-shape reader accepts only what {@link ExecuteBody#parse} reads to the same result, and declines the
 * rest (which that parser then reads, with its precise errors).
 */
class PlainExecuteBodyTest {

    private static ExecuteBody plain(String body, boolean direct) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buffer = direct ? Unpooled.directBuffer(bytes.length + 8) : Unpooled.buffer(bytes.length + 8);
        // not at index 0: the reader must honour the buffer's indices
        buffer.writeBytes(new byte[] {'x', 'x', 'x'}).writeBytes(bytes).readerIndex(3);
        try {
            return PlainExecuteBody.tryParse(buffer);
        } finally {
            buffer.release();
        }
    }

    private static ExecuteBody full(String body) {
        try {
            return ExecuteBody.parse(Buffer.buffer(body));
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Test
    void thePlainShapeReadsAsTheFullParserReadsIt() {
        List<String> accepted = List.of(
                "{\"inputs\":{\"command\":\"GET\",\"args\":[\"order:12345\"]}}",
                "{\"inputs\":{\"command\":\"SET\",\"args\":[\"order:12345\",\"delivered\"]}}",
                " \r\n{ \"inputs\" : { \"args\" : [ \"a\" , \"b c\" ] , \"command\" : \"MSET\" } } \n\t",
                "{\"inputs\":{\"command\":\"PING\"}}",
                "{\"inputs\":{\"command\":\"PING\",\"args\":[]}}",
                "{\"inputs\":{\"command\":\"\",\"args\":[\"\"]}}",
                "{\"inputs\":{\"command\":\"CONFIG GET\",\"args\":[\"maxmemory\"]}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"~!@#$%^&*()_+{}|:<>?[];',./`\"]}}");
        for (String body : accepted) {
            for (boolean direct : new boolean[] {false, true}) {
                ExecuteBody read = plain(body, direct);
                assertThat(read).as(body).isNotNull().isEqualTo(full(body));
                assertThat(read.options()).isSameAs(ExecuteOptions.DEFAULT);
            }
        }
    }

    @Test
    void everythingElseIsLeftToTheFullParser() {
        List<String> declined = List.of(
                "", " ", "{}", "[]", "null", "{\"inputs\":null}", "{\"inputs\":{}}",
                "{\"inputs\":{\"args\":[\"a\"]}}",
                "{\"inputs\":{\"command\":\"GET\",\"args\":[\"k\"]},\"options\":{\"encoding\":\"base64\"}}",
                "{\"options\":{},\"inputs\":{\"command\":\"GET\"}}",
                "{\"inputs\":{\"command\":\"GET\",\"args\":[\"k\"]},\"other\":1}",
                "{\"inputs\":{\"command\":\"GET\",\"args\":[\"k\"],\"x\":1}}",
                "{\"inputs\":{\"command\":\"GET\",\"command\":\"DEL\"}}",
                "{\"inputs\":{\"command\":\"GET\",\"args\":[\"a\"],\"args\":[\"b\"]}}",
                "{\"inputs\":{\"command\":\"INCRBY\",\"args\":[\"k\",5]}}",
                "{\"inputs\":{\"command\":\"SET\",\"args\":[\"k\",true]}}",
                "{\"inputs\":{\"command\":\"SET\",\"args\":[\"k\",null]}}",
                "{\"inputs\":{\"command\":\"SET\",\"args\":\"k\"}}",
                "{\"inputs\":{\"command\":null}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"a\\\"b\"]}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"a\\u0041\"]}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"\u00e9\"]}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"tab\there\"]}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"a\",]}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[,\"a\"]}}",
                "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"a\"}}",
                "{\"inputs\":{\"command\":\"ECHO\"}",
                "{\"inputs\":{\"command\":\"ECHO\"}}}",
                "{\"inputs\":{\"command\":\"ECHO\"}} x",
                "{\"inputs\":{\"command\":\"ECHO\"}}{}",
                "{\"inputs\":{\"command\":\"ECHO\",}}",
                "{\"inputs\" {\"command\":\"ECHO\"}}",
                "{\"input\":{\"command\":\"ECHO\"}}",
                "{\"inputsx\":{\"command\":\"ECHO\"}}",
                "{\"inputs\":{\"commandx\":\"ECHO\"}}",
                "{'inputs':{'command':'ECHO'}}",
                "\ufeff{\"inputs\":{\"command\":\"ECHO\"}}",
                "{\"inputs\":{\"command\":\"ECHO");
        for (String body : declined) {
            assertThat(plain(body, false)).as(body).isNull();
            assertThat(plain(body, true)).as(body).isNull();
        }
    }

    @Test
    void randomEditsOfThePlainShapeAreEitherReadAlikeOrDeclined() {
        Random random = new Random(42);
        String base = "{\"inputs\":{\"command\":\"SET\",\"args\":[\"order:1\",\"delivered\"]}}";
        String alphabet = "{}[]\":, \\\t\nabcSETinputsargscommand0-9\u00e9";
        List<String> mutants = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder body = new StringBuilder(base);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(body.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> body.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (at < body.length()) {
                            body.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (at < body.length()) {
                            body.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            mutants.add(body.toString());
        }
        int read = 0;
        for (String body : mutants) {
            ExecuteBody plain = plain(body, random.nextBoolean());
            if (plain != null) {
                read++;
                assertThat(plain).as(body).isEqualTo(full(body));
                assertThat(plain.inputs()).isInstanceOf(Inputs.class);
            }
        }
        // the edits leave a fair share of bodies of the plain shape (spaces, changed letters), so both sides ran
        assertThat(read).isGreaterThan(500);
    }
}
