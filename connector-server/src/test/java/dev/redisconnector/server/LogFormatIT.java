package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server with RC_LOG_FORMAT=json logs one JSON object per line, the access log with the request id. */
class LogFormatIT {

    @TempDir
    Path dir;

    @Test
    void jsonLogsCarryTheRequestId() throws Exception {
        Path jar = Path.of("target", "redis-connector.jar");
        assertThat(Files.exists(jar)).as("the packaged jar (mvn package builds it before the ITs)").isTrue();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString(), "serve").redirectErrorStream(true);
        builder.environment().put("RC_PORT", "0");
        builder.environment().put("RC_EVENT_LOOPS", "1");
        builder.environment().put("RC_DATA_DIR", dir.toString());
        builder.environment().put("RC_LOG_FORMAT", "json");
        builder.environment().put("RC_ACCESS_LOG", "true");
        Process server = builder.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            List<String> seen = new ArrayList<>();
            int port = -1;
            Pattern listening = Pattern.compile("listening on http://[0-9.]+:(\\d+)");
            long deadline = System.currentTimeMillis() + 60_000;
            while (port < 0 && System.currentTimeMillis() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                seen.add(line);
                JsonObject json = new JsonObject(line);
                assertThat(json.getString("level")).isNotBlank();
                Matcher matcher = listening.matcher(json.getString("formattedMessage", ""));
                if (matcher.find()) {
                    port = Integer.parseInt(matcher.group(1));
                }
            }
            assertThat(port).as("the server said where it listens: " + seen).isPositive();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/health/live"))
                    .header("X-Request-Id", "log-test-42").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.headers().firstValue("x-request-id")).hasValue("log-test-42");
            String access = null;
            while (access == null && System.currentTimeMillis() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.contains("log-test-42")) {
                    access = line;
                }
            }
            assertThat(access).as("an access log line with the request id").isNotNull();
            JsonObject json = new JsonObject(access);
            assertThat(json.getString("loggerName")).isEqualTo("dev.redisconnector.access");
            assertThat(json.getString("formattedMessage")).contains("id=log-test-42").contains("endpoint=health")
                    .contains("status=200");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }
}
