package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The execute paths answered from the HTTP decoder ({@code RC_EXECUTE_FAST_PATH}, on by default) answer exactly as
 * the general HTTP server does: the same statuses, headers and bodies for successes, every kind of error and every
 * request the fast path hands on (query strings, chunked bodies, {@code Expect}, {@code Connection: close}, HTTP/1.0);
 * pipelined requests that mix both paths on one connection are answered in order, whatever the split of the bytes;
 * and a request in flight when the server stops is still answered.
 */
class ExecuteFastPathIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @TempDir
    static Path dir;

    static ConnectorServerExtension fast;
    static ConnectorServerExtension general;
    static String fastToken;
    static String generalToken;

    @BeforeAll
    static void start() {
        fast = ConnectorServerExtension.start(dir.resolve("fast"));
        general = ConnectorServerExtension.start(dir.resolve("general"), Map.of("RC_EXECUTE_FAST_PATH", "false"));
        fastToken = fast.register("fastpath", REDIS);
        generalToken = general.register("fastpath", REDIS);
    }

    @AfterAll
    static void stop() {
        fast.close();
        general.close();
    }

    /** One HTTP/1.x response: status line, headers (lower-case names), body. */
    record Answer(String statusLine, Map<String, String> headers, String body) {

        /** Everything but the request id, which is random when the caller offers none. */
        String comparable() {
            Map<String, String> rest = new TreeMap<>(headers);
            rest.remove("x-request-id");
            return statusLine + " " + rest + " " + body;
        }
    }

    /** Reads one response with a {@code Content-Length} (what both paths send) off {@code in}. */
    static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Answer(lines[0], headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Writes {@code requests} on one connection in pieces of {@code piece} bytes, then reads one answer each. */
    static List<Answer> exchange(ConnectorServerExtension server, int piece, String... requests) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            byte[] bytes = String.join("", requests).getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < bytes.length; i += piece) {
                out.write(bytes, i, Math.min(piece, bytes.length - i));
                out.flush();
            }
            InputStream in = socket.getInputStream();
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < requests.length; i++) {
                answers.add(read(in));
            }
            return answers;
        }
    }

    static String post(String path, String token, String body, String... extraHeaders) {
        StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: x\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length)
                .append("\r\n\r\n").append(body).toString();
    }

    /** The requests compared between the two paths; {@code TOKEN} stands for the server's session token. */
    static List<String> requests() {
        String get = "{\"inputs\":{\"command\":\"GET\",\"args\":[\"fast:k\"]}}";
        return List.of(
                post("/v1/redis/execute", "TOKEN", "{\"inputs\":{\"command\":\"SET\",\"args\":[\"fast:k\",\"v\"]}}"),
                post("/v1/redis/execute", "TOKEN", get),
                post("/v1/redis/execute", "TOKEN", "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"\u00e9\u6f22\"]}}"),
                post("/v1/redis/execute", "TOKEN", "{\"inputs\":{\"command\":\"HGETALL\",\"args\":[\"fast:none\"]},"
                        + "\"options\":{\"encoding\":\"base64\"}}"),
                post("/v1/redis/execute", null, get),
                post("/v1/redis/execute", "rcs_not-a-token", get),
                post("/v1/redis/execute", "TOKEN", "{\"inputs\":{\"command\":\"FLUSHALL\"}}"),
                post("/v1/redis/execute", "TOKEN", "{\"inputs\":{\"command\":\"NOPE\"}}"),
                post("/v1/redis/execute", "TOKEN", "{\"inputs\":{\"command\":\"INCR\",\"args\":[\"fast:k\"]}}"),
                post("/v1/redis/execute", "TOKEN", "{bad"),
                post("/v1/redis/execute", "TOKEN", ""),
                post("/v1/redis/execute", "TOKEN", "[1,2]"),
                post("/v1/redis/pipeline", "TOKEN", "{\"inputs\":{\"commands\":[{\"command\":\"GET\",\"args\":"
                        + "[\"fast:k\"]},{\"command\":\"INCR\",\"args\":[\"fast:k\"]}]}}"),
                post("/v1/redis/transaction", "TOKEN", "{\"inputs\":{\"commands\":[{\"command\":\"GET\",\"args\":"
                        + "[\"fast:k\"]}]}}"),
                post("/v1/redis/pipeline", "TOKEN", "{\"inputs\":{\"commands\":[],\"watch\":[\"fast:k\"]}}"),
                // handed on to the general server by the fast path: the answers must still be the same
                post("/v1/redis/execute?x=1", "TOKEN", get),
                post("/v1/redis/execute", "TOKEN", get, "X-Request-Id: caller-id.1"),
                post("/v1/redis/execute", "TOKEN", get, "Connection: keep-alive"),
                "POST /v1/redis/execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(get.length()) + "\r\n" + get
                        + "\r\n0\r\n\r\n",
                "GET /v1/redis/execute HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @Test
    void bothPathsGiveTheSameAnswers() throws IOException {
        List<String> requests = requests();
        for (int i = 0; i < requests.size(); i++) {
            Answer viaFast = exchange(fast, 1 << 16, requests.get(i).replace("TOKEN", fastToken)).getFirst();
            Answer viaGeneral = exchange(general, 1 << 16, requests.get(i).replace("TOKEN", generalToken)).getFirst();
            assertThat(viaFast.comparable()).as(requests.get(i)).isEqualTo(viaGeneral.comparable());
            assertThat(viaFast.headers()).containsKey("x-request-id");
        }
        Answer offered = exchange(fast, 1 << 16, post("/v1/redis/execute", fastToken,
                "{\"inputs\":{\"command\":\"PING\"}}", "X-Request-Id: caller-id.1")).getFirst();
        assertThat(offered.headers()).containsEntry("x-request-id", "caller-id.1");
        // every connection had the fast path: no handler in Vert.x's pipeline that it does not know (one that pairs
        // requests with responses would never see the fast path's answers and grow without bound)
        assertThat(fast.server.fastPathRefused()).isFalse();
    }

    @Test
    void pipelinedRequestsOnBothPathsAreAnsweredInOrderHoweverTheBytesAreSplit() throws IOException {
        String echo = "{\"inputs\":{\"command\":\"ECHO\",\"args\":[\"%s\"]}}";
        // /health/ready asks the registry off the event loop: a fast answer behind it must wait for it
        String[] requests = {
                post("/v1/redis/execute", fastToken, echo.formatted("one")),
                "GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n",
                post("/v1/redis/execute", fastToken, echo.formatted("two")),
                post("/v1/redis/execute", fastToken, echo.formatted("three")),
                "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
                post("/v1/redis/execute?q", fastToken, echo.formatted("four")),
                post("/v1/redis/pipeline", fastToken, "{\"inputs\":{\"commands\":[{\"command\":\"ECHO\",\"args\":"
                        + "[\"five\"]}]}}"),
                post("/v1/redis/execute", fastToken, echo.formatted("six"))};
        for (int piece : new int[] {1, 7, 37, 1 << 16}) {
            List<String> bodies = exchange(fast, piece, requests).stream().map(Answer::body).toList();
            assertThat(bodies).as("pieces of %d bytes", piece).containsExactly("{\"output1\":\"one\"}",
                    "{\"status\":\"ready\",\"registry\":\"up\"}", "{\"output1\":\"two\"}", "{\"output1\":\"three\"}",
                    "{\"error\":{\"code\":\"NOT_FOUND\",\"step\":\"http\",\"message\":\"No route GET /nowhere.\"}}",
                    "{\"output1\":\"four\"}", "{\"output1\":[\"five\"]}", "{\"output1\":\"six\"}");
        }
    }

    @Test
    void aConnectionClosedMidBodyCostsNothingAndTheServerGoesOn() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket("127.0.0.1", fast.server.port())) {
                socket.getOutputStream().write(("POST /v1/redis/execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + fastToken + "\r\nContent-Length: 100\r\n\r\n{\"inputs\":").getBytes(StandardCharsets.UTF_8));
            }
        }
        Answer after = exchange(fast, 1 << 16, post("/v1/redis/execute", fastToken,
                "{\"inputs\":{\"command\":\"PING\"}}")).getFirst();
        assertThat(after.body()).isEqualTo("{\"output1\":\"PONG\"}");
    }

    @Test
    void aRequestInFlightWhenTheServerStopsIsStillAnswered() throws Exception {
        ConnectorServerExtension stopping = ConnectorServerExtension.start(Files.createTempDirectory("stop"));
        try {
            String token = stopping.register("stopping", REDIS);
            CompletableFuture<Answer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return exchange(stopping, 1 << 16, post("/v1/redis/execute", token,
                            "{\"inputs\":{\"command\":\"BLPOP\",\"args\":[\"fast:empty\",1]}}")).getFirst();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            stopping.close();
            Answer answer = blocked.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(answer.body()).isEqualTo("{\"output1\":null}");
        } finally {
            stopping.close();
        }
    }
}
