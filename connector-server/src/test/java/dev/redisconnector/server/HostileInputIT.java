package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated requests against every endpoint: never a 500, never a hang, always a well-formed answer
 * (JSON with an error code, or the endpoint's success shape).
 */
class HostileInputIT {

    static RedisServerProcess redis;
    /** Started by hand: jqwik properties do not run JUnit extensions. */
    static ConnectorServerExtension SERVER;
    static String token;
    static Path dir;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("hostile");
        redis = RedisServerProcess.start(List.of(), dir.resolve("redis"));
        SERVER = ConnectorServerExtension.start(dir.resolve("data"), Map.of("RC_AUTH_FAILURES_PER_MINUTE", "0",
                "RC_MAX_BODY_BYTES", "65536"));
        token = SERVER.register("hostile", redis.port());
    }

    @AfterContainer
    static void stop() {
        SERVER.close();
        redis.close();
    }

    static final List<String> PATHS = List.of("/v1/redis/execute", "/v1/redis/pipeline", "/v1/redis/transaction",
            "/upstash", "/upstash/pipeline", "/upstash/multi-exec", "/upstash/get/k", "/upstash/set/k/%ff%00",
            "/v1/admin/clients", "/v1/admin/audit", "/v1/redis/subscribe", "/v1/redis/unknown", "/upstash/%25",
            "/%2e%2e/etc/passwd");

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> valid = Arbitraries.of(
                "{\"inputs\":{\"command\":\"SET\",\"args\":[\"k\",\"v\"]}}",
                "{\"inputs\":{\"commands\":[{\"command\":\"GET\",\"args\":[\"k\"]}]}}",
                "[\"GET\",\"k\"]", "[[\"SET\",\"k\",1],[\"GET\",\"k\"]]",
                "{\"inputs\":{\"command\":\"EVAL\",\"args\":[\"return 1\",0]},\"options\":{\"timeoutMs\":100}}");
        Arbitrary<String> mutated = Combinators.combine(valid, Arbitraries.integers().between(0, 80),
                Arbitraries.strings().ofMaxLength(6)).as((body, at, insert) -> {
                    int position = Math.min(at, body.length());
                    return body.substring(0, position) + insert + body.substring(Math.min(body.length(),
                            position + insert.length() % 3));
                });
        Arbitrary<String> nested = Arbitraries.integers().between(1, 5000).map(depth -> "[".repeat(depth)
                + "]".repeat(depth % 7 == 0 ? 0 : depth));
        Arbitrary<String> numbers = Arbitraries.of("1e999999", "-0", "123456789012345678901234567890",
                "0.0000000000000000000000000001", "NaN", "Infinity").map(n ->
                "{\"inputs\":{\"command\":\"INCRBY\",\"args\":[\"n\"," + n + "]},\"options\":{\"timeoutMs\":" + n
                        + "}}");
        Arbitrary<String> unicode = Arbitraries.strings().all().ofMaxLength(200).map(text ->
                "{\"inputs\":{\"command\":" + JsonObject.of("x", text).encode().substring(5).replace("}", "")
                        + ",\"args\":[" + JsonObject.of("x", text).encode().substring(5).replace("}", "") + "]}}");
        Arbitrary<String> raw = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> big = Arbitraries.integers().between(60_000, 70_000).map(size ->
                "{\"inputs\":{\"command\":\"SET\",\"args\":[\"k\",\"" + "x".repeat(size) + "\"]}}");
        return Arbitraries.frequencyOf(
                Tuple.of(3, valid), Tuple.of(6, mutated),
                Tuple.of(1, nested), Tuple.of(2, numbers),
                Tuple.of(3, unicode), Tuple.of(3, raw), Tuple.of(1, big));
    }

    @Provide
    Arbitrary<String> authorizations() {
        return Arbitraries.oneOf(Arbitraries.just("valid"), Arbitraries.just("none"),
                Arbitraries.of("Bearer ", "Bearer rcs_", "Basic Zm9vOmJhcg==", "Bearer " + "a".repeat(5000),
                        "bearer \u0000", "Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer rcs_ü"));
    }

    @Property(tries = 300)
    void neverAServerErrorNeverAHang(@ForAll("bodies") String body, @ForAll("authorizations") String authorization,
                                     @ForAll("paths") String path, @ForAll("methods") String method,
                                     @ForAll("contentTypes") String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SERVER.server.port()
                        + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (authorization.equals("valid")) {
            request.header("Authorization", "Bearer " + token);
        } else if (!authorization.equals("none")) {
            try {
                request.header("Authorization", authorization);
            } catch (IllegalArgumentException unsendable) {
                return;
            }
        }
        request.header("Content-Type", contentType);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        assertThat(status).as(method + " " + path + " " + abbreviate(body) + " -> " + response.body())
                .isBetween(200, 499);
        if (status != 200 && status != 201) {
            String text = response.body();
            assertThat(text).as("a JSON error body").startsWith("{");
            JsonObject json = new JsonObject(text);
            Object error = json.getValue("error");
            assertThat(error).as(text).isNotNull();
            if (error instanceof JsonObject structured) {
                assertThat(structured.getString("code")).isNotBlank();
                assertThat(structured.getString("message")).isNotBlank().doesNotContain("Exception")
                        .doesNotContain("\tat ");
            } else {
                assertThat((String) error).isNotBlank().doesNotContain("\tat ");
            }
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(PATHS);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH");
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "text/plain", "application/octet-stream", "multipart/form-data",
                "application/json; charset=latin1");
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
