package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 clients, each with its own redis-server, and 200 users hammering them at once: every reply carries only its
 * own client's data (a per-client marker checked on every request, over execute, pipeline and the Upstash protocol).
 */
class TenantIsolationIT {

    static final int CLIENTS = 50;
    static final int USERS = 200;
    static final int REQUESTS_PER_USER = 30;

    @TempDir
    Path dir;

    @Test
    void everyReplyBelongsToItsOwnClient() {
        List<RedisServerProcess> servers = new ArrayList<>();
        try (ConnectorServerExtension fixture = ConnectorServerExtension.start(dir.resolve("data"));
             LoadClient load = new LoadClient(fixture.server.port(), 64)) {
            for (int c = 0; c < CLIENTS; c++) {
                servers.add(RedisServerProcess.start(List.of(), dir.resolve("redis-" + c)));
            }
            List<String> clientOf = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String clientId = "tenant-" + c;
                RedisServerProcess server = servers.get(c);
                server.call("SET", "marker", clientId);
                fixture.register(clientId, new JsonObject().put("host", "127.0.0.1").put("port", server.port()),
                        new JsonObject().put("kind", "none"));
            }
            for (int u = 0; u < USERS; u++) {
                String clientId = "tenant-" + (u % CLIENTS);
                clientOf.add(clientId);
                tokens.add(fixture.session(clientId));
            }
            AtomicInteger checked = new AtomicInteger();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int r = 0; r < REQUESTS_PER_USER; r++) {
                for (int u = 0; u < USERS; u++) {
                    String expected = clientOf.get(u);
                    String token = tokens.get(u);
                    CompletableFuture<Void> check = switch ((u + r) % 3) {
                        case 0 -> load.command(token, "GET", "marker").thenAccept(answer -> {
                            assertThat(answer.status()).isEqualTo(200);
                            assertThat(answer.json().getString("output1")).isEqualTo(expected);
                        });
                        case 1 -> load.post("/v1/redis/pipeline", token, "{\"inputs\":{\"commands\":["
                                + "{\"command\":\"GET\",\"args\":[\"marker\"]},{\"command\":\"ECHO\",\"args\":[\""
                                + expected + "\"]}]}}").thenAccept(answer -> {
                                    assertThat(answer.status()).isEqualTo(200);
                                    assertThat(answer.json().getJsonArray("output1").getString(0)).isEqualTo(expected);
                                });
                        default -> load.post("/upstash", token, "[\"GET\", \"marker\"]").thenAccept(answer -> {
                            assertThat(answer.status()).isEqualTo(200);
                            assertThat(answer.json().getString("result")).isEqualTo(expected);
                        });
                    };
                    all.add(check.thenRun(checked::incrementAndGet));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            assertThat(checked.get()).isEqualTo(USERS * REQUESTS_PER_USER);
            System.out.printf("%d requests from %d users of %d clients: every reply carried its own client's"
                    + " marker%n", checked.get(), USERS, CLIENTS);
        } finally {
            servers.forEach(RedisServerProcess::close);
        }
    }
}
