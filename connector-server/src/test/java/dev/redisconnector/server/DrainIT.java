package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stopping server ({@code RC_DRAIN_MS}): {@code /health/ready} answers 503 at once while commands are still served
 * (each response closing its connection), open event streams end with an {@code end} event, then new connections
 * are refused.
 */
class DrainIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @Test
    void readinessGoesDownFirstCommandsStillRunStreamsEndCleanlyThenConnectionsAreRefused() throws Exception {
        ConnectorServerExtension server = ConnectorServerExtension.start(Files.createTempDirectory("drain"),
                Map.of("RC_DRAIN_MS", "1500"));
        String token = server.register("drain", REDIS);
        String base = "http://127.0.0.1:" + server.server.port();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/v1/redis/subscribe?channel=drain")).header("authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        CompletableFuture<List<String>> events = CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                lines.add("io error: " + e);
            }
            return lines;
        });

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
        Thread.sleep(300);
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("draining");
        HttpResponse<String> ping = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/redis/execute"))
                .header("authorization", "Bearer " + token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":{\"command\":\"PING\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.headers().firstValue("connection")).hasValue("close");

        stopping.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(events.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .contains("event: end", "data: {\"reason\":\"shutdown\"}");
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> http.send(HttpRequest.newBuilder(
                URI.create(base + "/health/live")).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(refused).isInstanceOf(ConnectException.class);
    }
}
