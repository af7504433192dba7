package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fake "Redis" that answers garbage, never answers, or sends an endless bulk string: the connector errors out
 * cleanly and in time, and another client on a real Redis is not affected meanwhile.
 */
class FakeRedisIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder()
            .setting("RC_CONNECT_TIMEOUT_MS", "1000")
            .setting("RC_COMMAND_TIMEOUT_MS", "1000")
            .setting("RC_MAX_REPLY_BYTES", "65536").build();
    static String healthy;

    @BeforeAll
    static void start() {
        healthy = SERVER.register("healthy", REDIS);
    }

    /** A server that answers each connection with {@code behaviour}. */
    static ServerSocket fake(BiConsumer<InputStream, OutputStream> behaviour) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket; InputStream in = socket.getInputStream();
                             OutputStream out = socket.getOutputStream()) {
                            behaviour.accept(in, out);
                        } catch (IOException ignored) {
                            // the connector hung up
                        }
                    });
                } catch (IOException ignored) {
                    // closed
                }
            }
        });
        return listener;
    }

    static void garbage(InputStream in, OutputStream out) {
        try {
            byte[] buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                out.write("\u0007\u0000nonsense*%$?\r\n:not-a-number\r\n$-7\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    static void silent(InputStream in, OutputStream out) {
        try {
            byte[] buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                // read everything, answer nothing
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    static void endless(InputStream in, OutputStream out) {
        try {
            in.read(new byte[1024]);
            out.write("$999999999999\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            long deadline = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < deadline) {
                out.write(chunk);
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "silent", "endless"})
    void errorsCleanlyWithoutAffectingOthers(String kind) throws Exception {
        BiConsumer<InputStream, OutputStream> behaviour = switch (kind) {
            case "garbage" -> FakeRedisIT::garbage;
            case "silent" -> FakeRedisIT::silent;
            default -> FakeRedisIT::endless;
        };
        try (ServerSocket fake = fake(behaviour)) {
            String token = SERVER.register("fake-" + kind, new JsonObject().put("host", "127.0.0.1")
                    .put("port", fake.getLocalPort()), new JsonObject().put("kind", "none"));
            List<CompletableFuture<HttpTestClient.Response>> others = new ArrayList<>();
            long started = System.nanoTime();
            CompletableFuture<HttpTestClient.Response> bad = SERVER.http.commandAsync(token, "GET", "k");
            for (int i = 0; i < 200; i++) {
                others.add(SERVER.http.commandAsync(healthy, "PING"));
            }
            for (CompletableFuture<HttpTestClient.Response> other : others) {
                assertThat(other.join().status()).isEqualTo(200);
            }
            HttpTestClient.Response answer = bad.join();
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("%s: %d ms, %s%n", kind, millis, answer.body());
            assertThat(answer.status()).as(answer.body()).isIn(502, 504, 413);
            assertThat(answer.errorCode()).isIn("REDIS_UNAVAILABLE", "TIMEOUT", "RESULT_TOO_LARGE");
            assertThat(answer.errorMessage()).doesNotContain("CONNECTOR_");
            assertThat(millis).isLessThan(1000 + 1000 + 2000);
        }
        assertThat(SERVER.http.command(healthy, "PING").status()).isEqualTo(200);
    }
}
