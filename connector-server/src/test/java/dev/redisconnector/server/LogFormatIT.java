package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
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
import org.junit.jupiter.api.io.TempDir;

/** The packaged server with RC_LOG_FORMAT=json logs one JSON object per line, the access log with the request id. */
class LogFormatIT {

    @TempDir
    Path dir;

    @Test
    void jsonLogsCarryTheRequestId() throws Exception {
        Pattern listening = Pattern.compile("listening on http://[0-9.]+:(\\d+)");
        try (PackagedServer server = PackagedServer.start(dir, List.of(),
                Map.of("RC_LOG_FORMAT", "json", "RC_ACCESS_LOG", "true"))) {
            String started = server.awaitLine(line -> line.contains("listening on http"), Duration.ofSeconds(60));
            for (String line : server.lines().subList(0, server.lines().indexOf(started) + 1)) {
                assertThat(new JsonObject(line).getString("level")).as(line).isNotBlank();
            }
            Matcher matcher = listening.matcher(new JsonObject(started).getString("formattedMessage", ""));
            assertThat(matcher.find()).as(started).isTrue();
            int port = Integer.parseInt(matcher.group(1));
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/health/live"))
                    .header("X-Request-Id", "log-test-42").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.headers().firstValue("x-request-id")).hasValue("log-test-42");
            String access = server.awaitLine(line -> line.contains("log-test-42"), Duration.ofSeconds(30));
            JsonObject json = new JsonObject(access);
            assertThat(json.getString("loggerName")).isEqualTo("dev.redisconnector.access");
            assertThat(json.getString("formattedMessage")).contains("id=log-test-42").contains("endpoint=health")
                    .contains("status=200");
        }
    }
}
