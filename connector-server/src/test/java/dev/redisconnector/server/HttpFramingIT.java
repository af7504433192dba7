package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP framing over raw sockets: an ambiguous body length is refused and the connection closed (no smuggled second
 * request), over-long request lines and header blocks get the JSON error body, and the failed-authentication
 * throttle never blocks health, readiness or metrics.
 */
class HttpFramingIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();
    static String token;

    @BeforeAll
    static void start() {
        token = SERVER.register("framing", REDIS);
    }

    /** Writes {@code request} as it is and reads whatever comes back until the server closes or goes quiet. */
    static String exchange(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", SERVER.server.port())) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                out.write("<still open>".getBytes(StandardCharsets.ISO_8859_1));
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed() throws Exception {
        String hidden = "POST /v1/redis/execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: 58\r\n\r\n"
                + "{\"inputs\":{\"command\":\"SET\",\"args\":[\"smuggled\",\"yes\"]}}";
        String chunkedBody = "0\r\n\r\n" + hidden;
        String request = "POST /v1/redis/execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + chunkedBody.length()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody;
        String answer = exchange(request);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer.toLowerCase()).contains("connection: close");
        assertThat(answer).contains("{\"error\":{\"code\":\"INVALID_REQUEST\",\"step\":\"http\",\"message\":\"A request"
                + " may not carry both Content-Length and Transfer-Encoding (RFC 9112, section 6.1).\"}}");
        assertThat(answer).doesNotContain("<still open>");
        assertThat(answer.split("HTTP/1.1 ", -1)).as("one response, nothing for the hidden request").hasSize(2);
        assertThat(REDIS.server().call("EXISTS", "smuggled")).isEqualTo(":0");
    }

    @Test
    void overLongRequestLinesAndHeadersGetTheJsonError() throws Exception {
        String longLine = exchange("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(longLine).matches("(?s)HTTP/1.[01] 414 .*");
        assertThat(longLine).contains("\"code\":\"INVALID_REQUEST\"").contains("\"step\":\"http\"");
        String bigHeaders = exchange("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000)
                + "\r\n\r\n");
        assertThat(bigHeaders).matches("(?s)HTTP/1.[01] 431 .*");
        assertThat(bigHeaders).contains("\"code\":\"INVALID_REQUEST\"").contains("\"step\":\"http\"");
    }

    @Test
    void aClientThatSendsAWholeOverLimitBodyBeforeReadingGetsThe413() throws Exception {
        byte[] body = new byte[11 * 1024 * 1024];
        Arrays.fill(body, (byte) 'x');
        try (Socket socket = new Socket("127.0.0.1", SERVER.server.port())) {
            socket.setSoTimeout(10_000);
            // written in full before a byte is read, as Python's urllib and requests do
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.getOutputStream().write(("POST /v1/redis/execute HTTP/1.1\r\nHost: x\r\n"
                            + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().write(body);
                    socket.getOutputStream().flush();
                } catch (IOException closedAfterTheAnswer) {
                    // the server may close once it has dropped enough
                }
            });
            writer.join(10_000);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 413 ");
            assertThat(answer.toLowerCase()).contains("connection: close");
            assertThat(answer).contains("\"code\":\"INVALID_REQUEST\"");
        }
    }

    @Test
    void theThrottleLimitsFailedAuthenticationsOnly() {
        // its own server: a throttled address would answer 429 to every other test of this class
        try (ConnectorServerExtension throttled = ConnectorServerExtension.start(dir.resolve("throttled"),
                Map.of("RC_AUTH_FAILURES_PER_MINUTE", "5"))) {
            for (int i = 0; i < 10; i++) {
                throttled.http.command("rcs_not-a-real-token-" + i, "PING");
            }
            assertThat(throttled.http.command("rcs_not-a-real-token", "PING").status()).isEqualTo(429);
            for (String open : List.of("/health/live", "/health/ready", "/metrics", "/openapi.json")) {
                assertThat(throttled.http.send("GET", open, null, (byte[]) null).status()).as(open).isEqualTo(200);
            }
        }
    }
}
