package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** /openapi.json matches real responses, /metrics moves with requests, the audit trail records them without values. */
class ObservabilityIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder()
            .setting("RC_ACCESS_LOG", "true").build();
    static String token;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        token = SERVER.register("obs", REDIS);
    }

    // ---- OpenAPI ----

    /** One real response to check against the document: the path as the document names it. */
    record Exchange(String specPath, String method, HttpTestClient.Response response) {
    }

    @Test
    void realResponsesValidateAgainstTheOpenApiDocument() throws Exception {
        HttpTestClient.Response document = SERVER.http.send("GET", "/openapi.json", null, (String) null);
        assertThat(document.status()).isEqualTo(200);
        JsonNode spec = JSON.readTree(document.body());
        assertThat(spec.get("openapi").asText()).startsWith("3.");
        List<String> codes = new ArrayList<>();
        spec.at("/components/schemas/ErrorCode/enum").forEach(code -> codes.add(code.asText()));
        assertThat(codes).as("the document lists exactly the error codes there are")
                .containsExactlyInAnyOrder(Arrays.stream(ErrorCode.values()).map(Enum::name)
                        .toArray(String[]::new));
        List<String> steps = new ArrayList<>();
        spec.at("/components/schemas/Error/properties/error/properties/step/enum")
                .forEach(step -> steps.add(step.asText()));
        assertThat(steps).as("and exactly the steps").containsExactlyInAnyOrder(Arrays
                .stream(Step.values()).map(Step::wireName)
                .toArray(String[]::new));

        REDIS.server().call("SET", "obs:list", "x");
        List<Exchange> exchanges = new ArrayList<>();
        exchanges.add(new Exchange("/v1/redis/execute", "post", SERVER.http.command(token, "SET", "obs:k", "v")));
        exchanges.add(new Exchange("/v1/redis/execute", "post", SERVER.http.command(token, "HGETALL", "obs:none")));
        exchanges.add(new Exchange("/v1/redis/execute", "post", SERVER.http.command(token, "LPUSH", "obs:k", "x")));
        exchanges.add(new Exchange("/v1/redis/execute", "post", SERVER.http.command(token, "SELECT", 1)));
        exchanges.add(new Exchange("/v1/redis/execute", "post", SERVER.http.command("rcs_forged", "GET", "k")));
        exchanges.add(new Exchange("/v1/redis/execute", "post", SERVER.http.execute(token, "{\"inputs\": 5}")));
        exchanges.add(new Exchange("/v1/redis/pipeline", "post", SERVER.http.send("POST", "/v1/redis/pipeline",
                token, "{\"inputs\":{\"commands\":[{\"command\":\"GET\",\"args\":[\"obs:k\"]},"
                        + "{\"command\":\"CLIENT\",\"args\":[\"LIST\"]}]}}")));
        exchanges.add(new Exchange("/v1/redis/transaction", "post", SERVER.http.send("POST",
                "/v1/redis/transaction", token, "{\"inputs\":{\"commands\":[{\"command\":\"INCR\",\"args\":"
                        + "[\"obs:n\"]}]}}")));
        exchanges.add(new Exchange("/v1/redis/transaction", "post", SERVER.http.send("POST",
                "/v1/redis/transaction", token, "{\"inputs\":{\"commands\":[{\"command\":\"SET\"}]}}")));
        exchanges.add(new Exchange("/upstash", "post", SERVER.http.send("POST", "/upstash", token,
                "[\"GET\", \"obs:k\"]")));
        exchanges.add(new Exchange("/upstash", "post", SERVER.http.send("POST", "/upstash", token,
                "[\"LPUSH\", \"obs:k\", \"x\"]")));
        exchanges.add(new Exchange("/upstash", "post", SERVER.http.send("POST", "/upstash", "rcs_forged",
                "[\"GET\", \"obs:k\"]")));
        exchanges.add(new Exchange("/upstash/pipeline", "post", SERVER.http.send("POST", "/upstash/pipeline",
                token, "[[\"GET\", \"obs:k\"], [\"LPUSH\", \"obs:k\", \"x\"]]")));
        exchanges.add(new Exchange("/upstash/multi-exec", "post", SERVER.http.send("POST", "/upstash/multi-exec",
                token, "[[\"INCR\", \"obs:n\"]]")));
        exchanges.add(new Exchange("/upstash/{command}/{args}", "get", SERVER.http.send("GET", "/upstash/get/obs:k",
                token, (String) null)));
        exchanges.add(new Exchange("/health/live", "get", SERVER.http.send("GET", "/health/live", null,
                (String) null)));
        exchanges.add(new Exchange("/health/ready", "get", SERVER.http.send("GET", "/health/ready", null,
                (String) null)));
        exchanges.add(new Exchange("/v1/admin/audit", "get", SERVER.admin("GET", "/v1/admin/audit?limit=5", null)));
        exchanges.add(new Exchange("/v1/admin/audit", "get", SERVER.admin("GET", "/v1/admin/audit?since=yesterday",
                null)));
        exchanges.add(new Exchange("/v1/admin/clients", "get", SERVER.admin("GET", "/v1/admin/clients", null)));
        exchanges.add(new Exchange("/v1/admin/clients/{clientId}/service", "get", SERVER.admin("GET",
                "/v1/admin/clients/nobody/service", null)));

        for (Exchange exchange : exchanges) {
            OpenApi.validate(spec, exchange.specPath(), exchange.method(), exchange.response());
        }
    }

    // ---- request ids ----

    @Test
    void everyResponseCarriesARequestId() {
        HttpTestClient.Response plain = SERVER.http.command(token, "PING");
        assertThat(plain.headers().firstValue("x-request-id")).hasValueSatisfying(id ->
                assertThat(id).matches("[0-9a-f]{16,32}"));
        HttpTestClient.Response mine = SERVER.http.sendWithHeader("POST", "/v1/redis/execute", token,
                "{\"inputs\":{\"command\":\"PING\"}}", "X-Request-Id", "trace-42.a:b");
        assertThat(mine.headers().firstValue("x-request-id")).hasValue("trace-42.a:b");
        HttpTestClient.Response hostile = SERVER.http.sendWithHeader("POST", "/v1/redis/execute", token,
                "{\"inputs\":{\"command\":\"PING\"}}", "X-Request-Id", "bad id\twith spaces");
        assertThat(hostile.headers().firstValue("x-request-id")).hasValueSatisfying(id ->
                assertThat(id).matches("[0-9a-f]{16,32}"));
    }

    // ---- metrics ----

    static final Pattern SAMPLE = Pattern.compile(
            "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|\\+Inf|-Inf)( [0-9]+)?$");

    static double sample(String text, String name, String labels) {
        for (String line : text.split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " "))
                    && containsAll(line.substring(0, line.lastIndexOf(' ')), labels.split(","))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static boolean containsAll(String line, String[] labels) {
        for (String label : labels) {
            if (!line.contains(label)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void metricsParseAndMove() {
        String before = SERVER.http.send("GET", "/metrics", null, (String) null).body();
        for (int i = 0; i < 5; i++) {
            SERVER.http.command(token, "GET", "obs:metric");
        }
        SERVER.http.command(token, "FLUSHALL");
        HttpTestClient.Response scraped = SERVER.http.send("GET", "/metrics", null, (String) null);
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain"));
        String after = scraped.body();
        for (String line : after.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                assertThat(SAMPLE.matcher(line).matches()).as("a Prometheus sample line: " + line).isTrue();
            }
        }
        String get = "command=\"GET\",outcome=\"OK\"";
        assertThat(sample(after, "rc_commands_total", get) - sample(before, "rc_commands_total", get))
                .isEqualTo(5.0);
        assertThat(sample(after, "rc_commands_total", "command=\"FLUSHALL\",outcome=\"COMMAND_NOT_ALLOWED\""))
                .isGreaterThanOrEqualTo(1.0);
        String http = "endpoint=\"execute\",status=\"200\"";
        assertThat(sample(after, "rc_http_requests_seconds_count", http)
                - sample(before, "rc_http_requests_seconds_count", http)).isGreaterThanOrEqualTo(5.0);
        assertThat(after).contains("rc_http_requests_seconds_bucket{endpoint=\"execute\"");
        assertThat(sample(after, "rc_redis_connections", "")).isGreaterThanOrEqualTo(1.0);
        assertThat(sample(after, "rc_registry_cache_hits_total", "lookup=\"session\"")).isGreaterThan(0.0);
        // every series names the instance (RC_INSTANCE_ID, default host name:port)
        assertThat(after).containsPattern("rc_registry_load_seconds_total\\{instance=\"[^\"]+\",lookup=\"service\"\\}")
                .contains("hikaricp_connections").doesNotContain("obs:metric").doesNotContain("client=\"obs\"");
    }

    @Test
    void perClientLabelsOnlyWhenTurnedOn() {
        try (ConnectorServerExtension labelled = ConnectorServerExtension.start(dir.resolve("labelled"),
                Map.of("RC_METRICS_PER_CLIENT",
                "true"))) {
            String tenant = labelled.register("labelled-client", new JsonObject().put("host", "127.0.0.1")
                    .put("port", REDIS.port()), new JsonObject().put("kind", "none"));
            labelled.http.command(tenant, "GET", "k");
            labelled.http.send("POST", "/v1/redis/transaction", tenant, "{\"inputs\":{\"commands\":[{\"command\":"
                    + "\"INCR\",\"args\":[\"n\"]}]}}");
            String text = labelled.http.send("GET", "/metrics", null, (String) null).body();
            assertThat(sample(text, "rc_commands_total", "client=\"labelled-client\",command=\"GET\""))
                    .isEqualTo(1.0);
            assertThat(sample(text, "rc_redis_client_connections", "client=\"labelled-client\"")).isGreaterThan(0.0);
            assertThat(sample(text, "rc_redis_client_dedicated_open", "client=\"labelled-client\""))
                    .isGreaterThan(0.0);
            assertThat(sample(text, "rc_redis_client_dedicated_in_use", "client=\"labelled-client\"")).isZero();
        }
    }

    // ---- audit ----

    @Test
    void auditTrailRecordsRequestsWithoutValues() {
        String secret = "value-that-must-not-be-stored-" + System.nanoTime();
        SERVER.http.command(token, "SET", "obs:audit", secret);
        SERVER.http.command(token, "MSET", "obs:a", secret, "obs:b", secret);
        SERVER.http.command(token, "KEYS", "*");
        SERVER.http.command(token, "DEL", "obs:x", "obs:y", "obs:z");
        SERVER.http.command(token, "EVAL", "return 1", 2, "obs:k1", "obs:k2", secret);
        SERVER.http.send("POST", "/v1/redis/pipeline", token, "{\"inputs\":{\"commands\":[{\"command\":\"GET\","
                + "\"args\":[\"obs:audit\"]}]}}");
        HttpTestClient.Response answer = SERVER.admin("GET", "/v1/admin/audit?clientId=obs&since=1m&limit=50", null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain(secret);
        JsonArray entries = answer.json().getJsonArray("entries");
        JsonObject set = find(entries, "SET");
        assertThat(set.getString("userId")).isEqualTo("u-obs");
        assertThat(set.getString("clientId")).isEqualTo("obs");
        assertThat(set.getString("outcome")).isEqualTo("OK");
        assertThat(set.getInteger("keys")).isEqualTo(1);
        assertThat(set.getLong("replyBytes")).isEqualTo(2L);
        assertThat(find(entries, "MSET").getInteger("keys")).isEqualTo(2);
        assertThat(find(entries, "DEL").getInteger("keys")).isEqualTo(3);
        assertThat(find(entries, "EVAL").getInteger("keys")).isEqualTo(2);
        assertThat(find(entries, "KEYS").getString("outcome")).isEqualTo("COMMAND_NOT_ALLOWED");
        // the default level (writes): every write and refusal an entry, reads counted per minute, none lost
        assertThat(entries).noneSatisfy(entry -> assertThat(((JsonObject) entry).getString("command")).isEqualTo("GET"));
        JsonObject reads = find(answer.json().getJsonArray("counts"), "GET");
        assertThat(reads.getLong("commands")).isEqualTo(1L);
        assertThat(reads.getString("outcome")).isEqualTo("OK");
        assertThat(reads.getString("userId")).isEqualTo("u-obs");
        assertThat(reads.getLong("replyBytes")).isEqualTo((long) secret.length());
        String metrics = SERVER.http.send("GET", "/metrics", null, (byte[]) null).body();
        assertThat(sample(metrics, "rc_audit_counted_total", "")).isGreaterThanOrEqualTo(1);
        assertThat(metrics).contains("rc_audit_dropped_total");
        HttpTestClient.Response refused = SERVER.admin("GET", "/v1/admin/audit?clientId=obs&outcome="
                + "command_not_allowed", null);
        assertThat(refused.json().getJsonArray("entries")).allSatisfy(entry ->
                assertThat(((JsonObject) entry).getString("outcome")).isEqualTo("COMMAND_NOT_ALLOWED"));
        assertThat(SERVER.admin("GET", "/v1/admin/audit?since=soon", null).status()).isEqualTo(400);
        assertThat(SERVER.admin("GET", "/v1/admin/audit?clientId=bad%20id", null).status()).isEqualTo(400);
    }

    static JsonObject find(JsonArray entries, String command) {
        for (Object entry : entries) {
            if (((JsonObject) entry).getString("command").equals(command)) {
                return (JsonObject) entry;
            }
        }
        throw new AssertionError("no audit entry for " + command + " in " + entries.encodePrettily());
    }
}
