package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redisconnector.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RC_TRANSPORT=io_uring on a machine without it: the packaged server, started where Netty's io_uring cannot load (as
 * in a container whose seccomp profile refuses it; here {@code -Dio.netty.transport.noNative=true}, which keeps every
 * native transport out, epoll too), says why in a warning naming what it uses instead, runs its event loops and its
 * Redis connections on that (the JDK's NIO here), and serves commands. A separate process: the Redis client's
 * transport is chosen once per process.
 */
class TransportFallbackIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    private static final String ADMIN = "transport-fallback-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void ioUringAskedForButNotOfferedFallsBackWithAWarningAndServes() throws Exception {
        Pattern listening = Pattern.compile("listening on http://[0-9.]+:(\\d+) .*1 event loops on (\\w+),");
        try (PackagedServer server = PackagedServer.start(dir, List.of("-Dio.netty.transport.noNative=true"),
                Map.of("RC_ADMIN_TOKEN", ADMIN, "RC_ALLOW_LOOPBACK", "true", "RC_TRANSPORT", "io_uring"))) {
            Matcher matcher = listening.matcher(server.awaitLine(line -> listening.matcher(line).find(),
                    Duration.ofSeconds(60)));
            assertThat(matcher.find()).isTrue();
            String base = "http://127.0.0.1:" + matcher.group(1);
            List<String> lines = server.lines();
            assertThat(matcher.group(2)).isEqualTo("nio");
            assertThat(lines).filteredOn(line -> line.contains("WARN"))
                    .anySatisfy(line -> assertThat(line).contains("RC_TRANSPORT=io_uring: the kernel does not offer"
                            + " io_uring here").contains("; using nio"))
                    .noneSatisfy(line -> assertThat(line).contains("prioritized"));

            admin(base, "PUT", "/v1/admin/clients/fallback/service",
                    "{\"host\":\"127.0.0.1\",\"port\":" + REDIS.port() + "}");
            admin(base, "PUT", "/v1/admin/clients/fallback/credentials", "{\"kind\":\"none\"}");
            String token = JSON.readTree(admin(base, "POST", "/v1/admin/sessions",
                    "{\"userId\":\"u\",\"clientId\":\"fallback\"}")).get("token").asText();
            assertThat(execute(base, token, "SET", "order:12345", "delivered").get("output1").asText())
                    .isEqualTo("OK");
            assertThat(execute(base, token, "GET", "order:12345").get("output1").asText()).isEqualTo("delivered");
            assertThat(REDIS.server().call("GET", "order:12345")).isEqualTo("delivered");
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("rc_event_loop_transport{").contains("transport=\"" + matcher.group(2)
                    + "\"");
        }
    }

    private static String admin(String base, String method, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response.body();
    }

    private static JsonNode execute(String base, String token, String command, String... args) throws Exception {
        String body = JSON.writeValueAsString(Map.of("inputs", Map.of("command", command,
                "args", List.of(args))));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/redis/execute"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
