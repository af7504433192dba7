package dev.redisconnector.server.upstash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Inputs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The Upstash request body: any command array parses to the same command and arguments; anything else is a 400. */
class UpstashParsingTest {

    @Provide
    Arbitrary<List<Object>> arguments() {
        Arbitrary<Object> argument = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20).map(text -> text),
                Arbitraries.longs().map(number -> number), Arbitraries.of(true, false).map(flag -> flag));
        return argument.list().ofMaxSize(8);
    }

    @Property(tries = 300)
    void everyCommandArrayParses(@ForAll("arguments") List<Object> args) {
        JsonArray body = new JsonArray().add("SET");
        args.forEach(body::add);
        Inputs inputs = UpstashHandler.parseCommand(Buffer.buffer(body.encode()));
        assertThat(inputs.command()).isEqualTo("SET");
        // numbers come back as the parser's own type (Integer or Long): compare what is sent to Redis, their text
        assertThat(inputs.args().stream().map(String::valueOf).toList())
                .containsExactlyElementsOf(args.stream().map(String::valueOf).toList());
    }

    @Property(tries = 500)
    void anythingElseIsAnInvalidRequestNeverAnotherFailure(@ForAll String body) {
        try {
            UpstashHandler.parseCommand(Buffer.buffer(body));
        } catch (ConnectorException e) {
            assertThat(e.code()).isIn(ErrorCode.INVALID_REQUEST, ErrorCode.COMMAND_REQUIRED);
        }
    }

    @Property(tries = 200)
    void pipelinesKeepTheirOrder(@ForAll("arguments") List<Object> args) {
        JsonArray batch = new JsonArray();
        for (int i = 0; i <= args.size(); i++) {
            batch.add(new JsonArray().add("GET").add("k" + i));
        }
        List<Inputs> commands = UpstashHandler.parseCommands(Buffer.buffer(batch.encode()));
        assertThat(commands).hasSize(args.size() + 1);
        for (int i = 0; i < commands.size(); i++) {
            assertThat(commands.get(i).args().stream().map(String::valueOf).toList()).containsExactly("k" + i);
        }
    }
}
