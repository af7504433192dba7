package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Upstash REST protocol's shapes, encodings, path form, status codes and headers, over raw HTTP. */
class UpstashIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();
    static String token;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        token = SERVER.register("up", REDIS);
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    static Answer call(String method, String path, String body, String bearer, boolean base64) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SERVER.server.port()
                + "/upstash" + path)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (base64) {
            request.header("Upstash-Encoding", "base64");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void commandArraysWithNumbersAndBooleans() throws Exception {
        Answer set = call("POST", "", "[\"SET\", \"up:n\", 41, \"EX\", 100]", token, false);
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body()).isEqualTo("{\"result\":\"OK\"}");
        assertThat(set.raw().headers().firstValue("upstash-sync-token")).isPresent();
        assertThat(call("POST", "", "[\"INCR\", \"up:n\"]", token, false).body()).isEqualTo("{\"result\":42}");
        assertThat(call("POST", "", "[\"SET\", \"up:b\", true]", token, false).status()).isEqualTo(200);
        assertThat(REDIS.server().call("GET", "up:b")).isEqualTo("true");
    }

    @Test
    void resp2ShapesAndBase64() throws Exception {
        REDIS.server().call("DEL", "up:h", "up:z");
        REDIS.server().call("HSET", "up:h", "f", "v");
        REDIS.server().call("ZADD", "up:z", "1.5", "m", "2", "n");
        assertThat(call("POST", "", "[\"HGETALL\", \"up:h\"]", token, false).body())
                .isEqualTo("{\"result\":[\"f\",\"v\"]}");
        assertThat(call("POST", "", "[\"ZSCORE\", \"up:z\", \"m\"]", token, false).body())
                .isEqualTo("{\"result\":\"1.5\"}");
        assertThat(call("POST", "", "[\"ZRANGE\", \"up:z\", 0, -1, \"WITHSCORES\"]", token, false).body())
                .isEqualTo("{\"result\":[\"m\",\"1.5\",\"n\",\"2\"]}");
        // base64: every string but a top-level OK; numbers and nulls stay as they are
        assertThat(call("POST", "", "[\"SET\", \"up:s\", \"héllo\"]", token, true).body())
                .isEqualTo("{\"result\":\"OK\"}");
        assertThat(call("POST", "", "[\"GET\", \"up:s\"]", token, true).body())
                .isEqualTo("{\"result\":\"" + b64("héllo") + "\"}");
        assertThat(call("POST", "", "[\"HGETALL\", \"up:h\"]", token, true).body())
                .isEqualTo("{\"result\":[\"" + b64("f") + "\",\"" + b64("v") + "\"]}");
        assertThat(call("POST", "", "[\"GET\", \"up:missing\"]", token, true).body()).isEqualTo("{\"result\":null}");
        assertThat(call("POST", "", "[\"EXISTS\", \"up:s\"]", token, true).body()).isEqualTo("{\"result\":1}");
    }

    @Test
    void pathFormWithQueryAndBody() throws Exception {
        assertThat(call("GET", "/set/up:path/v%20w?EX=100", null, token, false).body())
                .isEqualTo("{\"result\":\"OK\"}");
        assertThat(REDIS.server().call("GET", "up:path")).isEqualTo("v w");
        assertThat(Long.parseLong(REDIS.server().call("TTL", "up:path").substring(1))).isBetween(1L, 100L);
        assertThat(call("POST", "/set/up:body", "a body\nwith lines", token, false).status()).isEqualTo(200);
        assertThat(call("GET", "/get/up:body", null, token, false).json().getString("result"))
                .isEqualTo("a body\nwith lines");
        // the token may travel as ?_token=
        assertThat(call("GET", "/get/up:path?_token=" + token, null, null, false).json().getString("result"))
                .isEqualTo("v w");
    }

    @Test
    void pipelineAndMultiExec() throws Exception {
        REDIS.server().call("DEL", "up:p");
        Answer pipeline = call("POST", "/pipeline", "[[\"SET\",\"up:p\",\"1\"],[\"LPUSH\",\"up:p\",\"x\"],"
                + "[\"INCR\",\"up:p\"]]", token, false);
        assertThat(pipeline.status()).isEqualTo(200);
        JsonArray results = new JsonArray(pipeline.body());
        assertThat(results.getJsonObject(0).getString("result")).isEqualTo("OK");
        assertThat(results.getJsonObject(1).getString("error")).startsWith("WRONGTYPE");
        assertThat(results.getJsonObject(2).getInteger("result")).isEqualTo(2);
        Answer multi = call("POST", "/multi-exec", "[[\"INCR\",\"up:p\"],[\"GET\",\"up:p\"]]", token, true);
        assertThat(multi.body()).isEqualTo("[{\"result\":3},{\"result\":\"" + b64("3") + "\"}]");
        Answer aborted = call("POST", "/multi-exec", "[[\"INCR\",\"up:p\"],[\"SET\"]]", token, false);
        assertThat(aborted.status()).isEqualTo(400);
        assertThat(aborted.json().getString("error")).contains("EXECABORT");
        assertThat(REDIS.server().call("GET", "up:p")).isEqualTo("3");
    }

    @Test
    void errorsUseTheProtocolsStatusCodes() throws Exception {
        REDIS.server().call("SET", "up:n", "1");
        Answer redisError = call("POST", "", "[\"LPUSH\", \"up:n\", \"x\"]", token, false);
        assertThat(redisError.status()).isEqualTo(400);
        assertThat(redisError.json().getString("error")).startsWith("WRONGTYPE");
        Answer refused = call("POST", "", "[\"SELECT\", 1]", token, false);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().getString("error")).startsWith("COMMAND_NOT_ALLOWED: SELECT is not allowed");
        Answer unauthorized = call("POST", "", "[\"GET\", \"k\"]", "rcs_forged", false);
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.json().getString("error")).startsWith("NOT_LOGGED_IN");
        assertThat(call("POST", "", "[\"GET\", \"k\"]", null, false).status()).isEqualTo(401);
        for (String bad : new String[] {"{}", "[]", "[1]", "[\"GET\", null]", "[\"GET\", {}]", "not json", ""}) {
            Answer answer = call("POST", "", bad, token, false);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.json().getString("error")).as(bad).isNotBlank();
        }
        assertThat(call("DELETE", "/get/k", null, token, false).status()).isEqualTo(405);
    }

    @Test
    void readOnlySessionsOnlyRead() throws Exception {
        String readOnly = SERVER.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "viewer")
                .put("clientId", "up").put("readOnly", true)).getString("token");
        REDIS.server().call("SET", "up:ro", "v");
        assertThat(call("POST", "", "[\"GET\", \"up:ro\"]", readOnly, false).json().getString("result"))
                .isEqualTo("v");
        Answer write = call("POST", "", "[\"SET\", \"up:ro\", \"w\"]", readOnly, false);
        assertThat(write.status()).isEqualTo(400);
        assertThat(write.json().getString("error")).contains("read-only");
        assertThat(REDIS.server().call("GET", "up:ro")).isEqualTo("v");
    }
}
