package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.command.ConnectionSafety;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /v1/redis/pipeline: in order, not atomic, one result or error per command, policy per command. */
class PipelineIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().client("pipe", REDIS).build();
    static String token;

    @BeforeAll
    static void start() {
        token = SERVER.token("pipe");
    }

    static JsonObject command(String name, Object... args) {
        return new JsonObject().put("command", name).put("args", new JsonArray(List.of(args)));
    }

    static HttpTestClient.Response pipeline(String session, JsonObject... commands) {
        JsonObject body = new JsonObject().put("inputs", new JsonObject()
                .put("commands", new JsonArray(List.of((Object[]) commands))));
        return SERVER.http.send("POST", "/v1/redis/pipeline", session, body.encode());
    }

    @Test
    void resultsAndErrorsInOrder() {
        HttpTestClient.Response response = pipeline(token, command("SET", "p:k", "v"), command("GET", "p:k"),
                command("LPUSH", "p:k", "x"), command("MULTI"), command("INCR", "p:n"), command("GET", "p:missing"));
        assertThat(response.status()).isEqualTo(200);
        JsonArray output = response.json().getJsonArray("output1");
        assertThat(output.getValue(0)).isEqualTo("OK");
        assertThat(output.getValue(1)).isEqualTo("v");
        assertThat(output.getJsonObject(2).getString("error"))
                .isEqualTo("WRONGTYPE Operation against a key holding the wrong kind of value");
        assertThat(output.getJsonObject(2).getString("code")).isEqualTo("REDIS_ERROR");
        assertThat(output.getJsonObject(3).getString("code")).isEqualTo("COMMAND_NOT_ALLOWED");
        assertThat(output.getValue(4)).isEqualTo(1);
        assertThat(output.getValue(5)).isNull();
        assertThat(output.size()).isEqualTo(6);
    }

    @Test
    void policyAppliesToEachCommand() {
        String readOnly = SERVER.register("pipe-ro", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()).put("policy", new JsonObject().put("mode", "read-only")),
                new JsonObject().put("kind", "none"));
        REDIS.server().call("SET", "p:ro", "original");
        JsonArray output = pipeline(readOnly, command("GET", "p:ro"), command("SET", "p:ro", "changed")).json()
                .getJsonArray("output1");
        assertThat(output.getValue(0)).isEqualTo("original");
        assertThat(output.getJsonObject(1).getString("code")).isEqualTo("COMMAND_NOT_ALLOWED");
        assertThat(REDIS.server().call("GET", "p:ro")).isEqualTo("original");
    }

    @Test
    void everySafetyRefusalHoldsOnExecuteAndInPipelines() {
        for (String refused : ConnectionSafety.refusedCommands(true).keySet()) {
            HttpTestClient.Response alone = SERVER.http.command(token, refused, "x");
            assertThat(alone.status()).as(refused).isEqualTo(403);
            assertThat(alone.errorCode()).isEqualTo("COMMAND_NOT_ALLOWED");
            assertThat(alone.errorMessage()).startsWith(refused + " is not allowed: ");
            JsonArray output = pipeline(token, command("PING"), command(refused, "x")).json()
                    .getJsonArray("output1");
            assertThat(output.getValue(0)).isEqualTo("PONG");
            assertThat(output.getJsonObject(1).getString("code")).as(refused).isEqualTo("COMMAND_NOT_ALLOWED");
        }
        // the shared connection is untouched: still database 0, no transaction, no subscription
        assertThat(pipeline(token, command("SET", "p:after", "1"), command("GET", "p:after")).json()
                .getJsonArray("output1").getValue(1)).isEqualTo("1");
        assertThat(REDIS.server().call("GET", "p:after")).isEqualTo("1");
    }

    @Test
    void malformedPipelinesAreRefusedWhole() {
        assertThat(pipeline(null, command("PING")).status()).isEqualTo(401);
        HttpTestClient.Response empty = pipeline(token);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorMessage()).isEqualTo("inputs.commands must hold at least one command.");
        HttpTestClient.Response notArray = SERVER.http.send("POST", "/v1/redis/pipeline", token,
                "{\"inputs\": {\"commands\": \"PING\"}}");
        assertThat(notArray.status()).isEqualTo(400);
        assertThat(notArray.errorCode()).isEqualTo("INVALID_REQUEST");
        JsonObject[] many = new JsonObject[1001];
        Arrays.fill(many, command("PING"));
        HttpTestClient.Response tooMany = pipeline(token, many);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.errorMessage()).isEqualTo("inputs.commands has 1001 commands; the limit is 1000.");
        HttpTestClient.Response noService = pipeline(SERVER.orphanedSession("nobody"), command("PING"));
        assertThat(noService.status()).isEqualTo(404);
        assertThat(noService.errorCode()).isEqualTo("NO_REDIS_SERVICE");
    }
}
