package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.FaultProxy;
import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.RedisTopologies;
import dev.redisconnector.testing.TestDatabases;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults between the connector and Redis (a TCP proxy that cuts, stalls, delays and refuses; CLIENT KILL and CLIENT
 * PAUSE; SIGKILL and restart of redis-server) and an unreachable registry database. For each: every request is
 * answered within its timeout plus a margin, with the right code; the connector recovers by itself; the shared
 * connection is clean afterwards (database, user, no transaction, no subscription).
 */
class FaultIT {

    static final long TIMEOUT_MS = 800;
    static final long MARGIN_MS = 1500;

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder()
            .setting("RC_COMMAND_TIMEOUT_MS", Long.toString(TIMEOUT_MS))
            .setting("RC_CONNECT_TIMEOUT_MS", Long.toString(TIMEOUT_MS))
            .setting("RC_EVENT_LOOPS", "1").build();
    FaultProxy proxy;
    String token;
    String clientId;

    @BeforeAll
    static void start() {
        // one event loop: one shared connection per client, so the warm-up request opens the connection every
        // later request uses (a second lane would open its own through the faulty proxy)
    }

    @BeforeEach
    void through() {
        proxy = FaultProxy.to("127.0.0.1", REDIS.port());
        clientId = "fault-" + System.nanoTime();
        token = SERVER.register(clientId, new JsonObject().put("host", "127.0.0.1").put("port", proxy.port())
                .put("database", 3), new JsonObject().put("kind", "none"));
        assertThat(SERVER.http.command(token, "SET", "f:k", "v").status()).isEqualTo(200);
    }

    @AfterEach
    void close() {
        proxy.close();
    }

    /** A request and how long its answer took. */
    record Timed(HttpTestClient.Response response, long millis) {
        String code() {
            return response.status() == 200 ? "OK" : response.errorCode();
        }
    }

    Timed get() {
        long started = System.nanoTime();
        HttpTestClient.Response response = SERVER.http.command(token, "GET", "f:k");
        return new Timed(response, (System.nanoTime() - started) / 1_000_000);
    }

    void assertAnsweredInTime(Timed timed, String... codes) {
        assertThat(timed.millis()).as(timed.response().body()).isLessThan(TIMEOUT_MS + MARGIN_MS);
        assertThat(timed.code()).as(timed.response().body()).isIn((Object[]) codes);
    }

    /** The connector answers OK again within a few seconds, by itself. */
    void assertRecovers() {
        RedisTopologies.await(() -> get().code().equals("OK"), "the connector to recover");
        assertThat(get().response().json().getString("output1")).isEqualTo("v");
        assertCleanConnections();
    }

    /** Every connection of this client: database 3 as registered, default user, no MULTI, no subscription. */
    void assertCleanConnections() {
        List<String> mine = REDIS.server().call("CLIENT", "LIST").lines()
                .filter(line -> line.contains("name=redis-connector:" + clientId + " ")).toList();
        assertThat(mine).isNotEmpty();
        for (String line : mine) {
            assertThat(line).contains(" db=3 ").contains(" sub=0 ").contains(" psub=0 ").contains(" multi=-1 ")
                    .contains(" user=default ");
        }
    }

    @Test
    void cutConnections() {
        proxy.cutAll();
        for (int i = 0; i < 5; i++) {
            assertAnsweredInTime(get(), "OK", "REDIS_UNAVAILABLE", "TIMEOUT");
        }
        assertRecovers();
    }

    @Test
    void stalledServer() {
        proxy.stall(true);
        List<CompletableFuture<HttpTestClient.Response>> during = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            during.add(SERVER.http.commandAsync(token, "GET", "f:k"));
        }
        for (CompletableFuture<HttpTestClient.Response> response : during) {
            assertThat(response.join().errorCode()).isEqualTo("TIMEOUT");
            assertThat(response.join().errorMessage()).contains("outcome is unknown");
        }
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(TIMEOUT_MS + MARGIN_MS);
        proxy.stall(false);
        assertRecovers();
    }

    @Test
    void addedLatency() {
        proxy.latency(100);
        assertAnsweredInTime(get(), "OK");
        proxy.latency(TIMEOUT_MS + 300);
        assertAnsweredInTime(get(), "TIMEOUT");
        proxy.latency(0);
        assertRecovers();
    }

    @Test
    void cutInTheMiddleOfACommand() {
        proxy.cutAfterUpstreamBytes(10);
        assertAnsweredInTime(get(), "OK", "TIMEOUT", "REDIS_UNAVAILABLE");
        assertAnsweredInTime(get(), "OK", "TIMEOUT", "REDIS_UNAVAILABLE");
        assertRecovers();
    }

    @Test
    void refusedReconnects() {
        proxy.refuse(true);
        proxy.cutAll();
        for (int i = 0; i < 5; i++) {
            Timed timed = get();
            assertAnsweredInTime(timed, "REDIS_UNAVAILABLE", "TIMEOUT");
        }
        proxy.refuse(false);
        assertRecovers();
    }

    @Test
    void clientKillAndClientPause() {
        REDIS.server().call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        assertAnsweredInTime(get(), "OK", "REDIS_UNAVAILABLE", "TIMEOUT");
        assertRecovers();
        REDIS.server().call("CLIENT", "PAUSE", Long.toString(TIMEOUT_MS + 700), "ALL");
        assertAnsweredInTime(get(), "TIMEOUT", "OK");
        assertRecovers();
    }

    @Test
    void redisKilledAndRestarted() {
        REDIS.server().kill();
        try {
            for (int i = 0; i < 3; i++) {
                assertAnsweredInTime(get(), "REDIS_UNAVAILABLE", "TIMEOUT");
            }
        } finally {
            REDIS.server().restart();
        }
        REDIS.server().call("SELECT", "3");
        REDIS.server().call("FLUSHALL");
        RedisTopologies.await(() -> SERVER.http.command(token, "SET", "f:k", "v").status() == 200,
                "writes to work again after the restart");
        assertRecovers();
    }

    @Test
    void registryDatabaseUnreachable() throws Exception {
        try (TestDatabases.TestDatabase database = TestDatabases.postgres()) {
            URI url = URI.create(database.jdbcUrl().substring("jdbc:".length()));
            try (FaultProxy registryProxy = FaultProxy.to(url.getHost(), url.getPort());
                 ConnectorServerExtension remote = ConnectorServerExtension.start(dir.resolve("pg"), Map.of(
                         "RC_REGISTRY_URL", "jdbc:postgresql://127.0.0.1:" + registryProxy.port() + url.getPath(),
                         "RC_REGISTRY_USER", database.user(), "RC_REGISTRY_PASSWORD", database.password(),
                         "RC_CACHE_FRESH_MS", "200", "RC_COMMAND_TIMEOUT_MS", Long.toString(TIMEOUT_MS)))) {
                String cached = remote.register("pg-cached", new JsonObject().put("host", "127.0.0.1")
                        .put("port", REDIS.port()), new JsonObject().put("kind", "none"));
                String uncached = remote.register("pg-cold", new JsonObject().put("host", "127.0.0.1")
                        .put("port", REDIS.port()), new JsonObject().put("kind", "none"));
                assertThat(remote.http.command(cached, "PING").status()).isEqualTo(200);

                registryProxy.refuse(true);
                registryProxy.cutAll();
                Thread.sleep(300);
                for (int i = 0; i < 5; i++) {
                    long started = System.nanoTime();
                    HttpTestClient.Response warm = remote.http.command(cached, "PING");
                    assertThat(warm.status()).as("a cached client keeps working: " + warm.body()).isEqualTo(200);
                    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(TIMEOUT_MS + MARGIN_MS);
                }
                long started = System.nanoTime();
                HttpTestClient.Response cold = remote.http.command(uncached, "PING");
                assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5000 + MARGIN_MS);
                assertThat(cold.status()).as(cold.body()).isEqualTo(503);
                assertThat(cold.errorCode()).isEqualTo("REGISTRY_UNAVAILABLE");
                assertThat(remote.http.send("GET", "/health/ready", null, (String) null).status()).isEqualTo(503);

                registryProxy.refuse(false);
                RedisTopologies.await(() -> remote.http.command(uncached, "PING").status() == 200,
                        "the uncached client to work once the registry is back");
                assertThat(remote.http.send("GET", "/health/ready", null, (String) null).status()).isEqualTo(200);
            }
        }
    }
}
