package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.RedisTopologies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pub/sub over Server-Sent Events: native and Upstash formats, one connection per stream, released on disconnect. */
class SubscribeIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder()
            .setting("RC_MAX_STREAMS_PER_CLIENT", "2").build();
    static String token;

    @BeforeAll
    static void start() {
        token = SERVER.register("sse", REDIS);
    }

    /** A raw HTTP/1.1 stream, so the test decides exactly when the client goes away. */
    static final class RawStream implements AutoCloseable {
        final Socket socket;
        final BufferedReader reader;
        final String statusLine;

        RawStream(String method, String target, String bearer) throws IOException {
            socket = new Socket("127.0.0.1", SERVER.server.port());
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                    + (method.equals("POST") ? "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"
                    : "\r\n")).getBytes(StandardCharsets.UTF_8));
            out.flush();
            reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            statusLine = reader.readLine();
        }

        /** Reads until a line containing {@code text}; returns that line. */
        String await(String text) throws IOException {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.contains(text)) {
                    return line;
                }
            }
            throw new IOException("stream ended before '" + text + "'");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static long subscribers() {
        return REDIS.server().call("CLIENT", "LIST").lines()
                .filter(line -> line.contains("name=redis-connector:sse ") && !line.contains("sub=0 psub=0"))
                .count();
    }

    @Test
    void nativeStreamReceivesPublishedMessagesAndReleasesItsConnection() throws Exception {
        try (RawStream stream = new RawStream("GET", "/v1/redis/subscribe?channel=sse:news", token)) {
            assertThat(stream.statusLine).contains("200");
            assertThat(stream.await("data:")).isEqualTo("data: {\"channel\":\"sse:news\",\"count\":1}");
            assertThat(subscribers()).isEqualTo(1);
            HttpTestClient.Response published = SERVER.http.command(token, "PUBLISH", "sse:news", "order 12345"
                    + " shipped");
            assertThat(published.json().getInteger("output1")).isEqualTo(1);
            assertThat(stream.await("event: message")).isEqualTo("event: message");
            assertThat(stream.await("data:"))
                    .isEqualTo("data: {\"channel\":\"sse:news\",\"message\":\"order 12345 shipped\"}");
        }
        // the client went away: its Redis connection is closed
        RedisTopologies.await(() -> subscribers() == 0, "the subscriber connection to close");
        RedisTopologies.await(() -> SERVER.server.streams().open() == 0, "the stream count to drop");
    }

    @Test
    void upstashPatternStream() throws Exception {
        try (RawStream stream = new RawStream("POST", "/upstash/psubscribe/sse:*", token)) {
            assertThat(stream.statusLine).contains("200");
            assertThat(stream.await("data:")).isEqualTo("data: psubscribe,sse:*,1");
            SERVER.http.command(token, "PUBLISH", "sse:alerts", "{\"level\":\"high\"}");
            assertThat(stream.await("data:")).isEqualTo("data: pmessage,sse:*,sse:alerts,{\"level\":\"high\"}");
            SERVER.http.command(token, "PUBLISH", "sse:alerts", "two\nlines");
            assertThat(stream.await("data:")).isEqualTo("data: pmessage,sse:*,sse:alerts,\"two\\nlines\"");
        }
        RedisTopologies.await(() -> subscribers() == 0, "the subscriber connection to close");
    }

    @Test
    void streamsPerClientAreCapped() throws Exception {
        try (RawStream first = new RawStream("GET", "/v1/redis/subscribe?channel=sse:a", token);
             RawStream second = new RawStream("GET", "/v1/redis/subscribe?channel=sse:b", token)) {
            first.await("data:");
            second.await("data:");
            HttpTestClient.Response third = SERVER.http.send("GET", "/v1/redis/subscribe?channel=sse:c", token,
                    (String) null);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.errorCode()).isEqualTo("RATE_LIMITED");
            assertThat(third.errorMessage()).contains("RC_MAX_STREAMS_PER_CLIENT");
        }
        RedisTopologies.await(() -> SERVER.server.streams().open() == 0, "the streams to close");
        try (RawStream again = new RawStream("GET", "/v1/redis/subscribe?channel=sse:c", token)) {
            assertThat(again.statusLine).contains("200");
        }
    }

    @Test
    void policyAppliesToChannelsAndPatterns() {
        String scoped = SERVER.register("sse-scoped", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()).put("policy", new JsonObject().put("mode", "read-only")
                        .put("keyPrefixes", new JsonArray().add("acme:"))), new JsonObject().put("kind", "none"));
        HttpTestClient.Response outside = SERVER.http.send("GET", "/v1/redis/subscribe?channel=other", scoped,
                (String) null);
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.errorMessage()).contains("outside the service's key namespace");
        assertThat(SERVER.http.send("GET", "/v1/redis/subscribe?pattern=*", scoped, (String) null).status())
                .isEqualTo(403);
        assertThat(SERVER.http.send("GET", "/v1/redis/subscribe", scoped, (String) null).status()).isEqualTo(400);
        assertThat(SERVER.http.send("GET", "/v1/redis/subscribe?channel=acme:x", "rcs_forged", (String) null)
                .status()).isEqualTo(401);
    }
}
