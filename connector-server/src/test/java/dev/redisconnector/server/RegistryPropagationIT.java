package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.registry.internal.ChangeFeed;
import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.TestDatabases;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances on one PostgreSQL registry behave as one: a session revoked, a service moved or credentials deleted
 * through instance A are in force on instance B at once (LISTEN/NOTIFY), although B's caches would keep the old
 * entries for a minute ({@code RC_CACHE_FRESH_MS=60000}, so nothing but the change feed can explain B's answer); and
 * a change made while B's listener is disconnected is applied when it reconnects. Functional checks only: the
 * propagation delays are printed (the distribution for the docs comes from {@code -Dpropagation.changes=1000}),
 * never asserted as timings.
 */
class RegistryPropagationIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final RedisServerExtension MOVED = RedisServerExtension.builder().build();

    static TestDatabases.TestDatabase database;
    static ConnectorServerExtension a;
    static ConnectorServerExtension b;

    /** Long enough that only the change feed can make B see a change during a test. */
    static final long WAIT_LIMIT_MS = 20_000;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabases.postgres();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> shared = Map.of("RC_REGISTRY_URL", database.jdbcUrl(),
                "RC_REGISTRY_USER", database.user(), "RC_REGISTRY_PASSWORD", database.password(),
                "RC_MASTER_KEY", Base64.getEncoder().encodeToString(key), "RC_CACHE_FRESH_MS", "60000",
                // the probes poll with revoked tokens: the failed-authentication throttle must not answer them
                "RC_AUTH_FAILURES_PER_MINUTE", "0");
        a = ConnectorServerExtension.start(Files.createTempDirectory("instance-a"), shared);
        b = ConnectorServerExtension.start(Files.createTempDirectory("instance-b"), shared);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aSessionRevokedThroughOneInstanceIsRefusedByTheOtherAtOnce() {
        String token = a.register("prop-revoke", REDIS);
        assertThat(b.http.command(token, "SET", "prop:k", "v").status()).isEqualTo(200);
        String sessionId = a.ok("GET", "/v1/admin/sessions?clientId=prop-revoke", null)
                .getJsonArray("sessions").getJsonObject(0).getString("sessionId");
        a.ok("DELETE", "/v1/admin/sessions/" + sessionId, null);
        long took = waitFor(() -> b.http.command(token, "PING").status(), status -> status == 401);
        System.out.println("revocation seen by the other instance after " + took + " ms");
    }

    @Test
    void aMovedServiceIsUsedAtItsNewAddressByTheOtherInstance() {
        String token = a.register("prop-move", REDIS);
        assertThat(b.http.command(token, "SET", "prop:where", "old").status()).isEqualTo(200);
        a.ok("PUT", "/v1/admin/clients/prop-move/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", MOVED.port()));
        a.ok("PUT", "/v1/admin/clients/prop-move/credentials", new JsonObject().put("kind", "none"));
        long took = waitFor(() -> {
            b.http.command(token, "SET", "prop:where", "new");
            return MOVED.server().call("GET", "prop:where");
        }, "new"::equals);
        System.out.println("moved service used by the other instance after " + took + " ms");
        assertThat(REDIS.server().call("GET", "prop:where")).isEqualTo("old");
    }

    @Test
    void deletedCredentialsStopTheOtherInstanceAtOnce() {
        String token = a.register("prop-creds", REDIS);
        assertThat(b.http.command(token, "PING").status()).isEqualTo(200);
        a.ok("DELETE", "/v1/admin/clients/prop-creds/credentials", null);
        waitFor(() -> {
            HttpTestClient.Response response = b.http.command(token, "PING");
            return response.status() == 200 ? "still served" : response.errorCode();
        }, "NO_CREDENTIALS"::equals);
        a.ok("PUT", "/v1/admin/clients/prop-creds/credentials", new JsonObject().put("kind", "none"));
        waitFor(() -> b.http.command(token, "PING").status(), status -> status == 200);
    }

    @Test
    void aChangeMadeWhileTheListenerIsAwayIsAppliedWhenItReconnects() throws Exception {
        String token = a.register("prop-away", REDIS);
        assertThat(b.http.command(token, "PING").status()).isEqualTo(200);
        String sessionId = a.ok("GET", "/v1/admin/sessions?clientId=prop-away", null)
                .getJsonArray("sessions").getJsonObject(0).getString("sessionId");
        // drop every listening connection (both instances') the way a database restart would, then change at once
        try (Connection admin = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
                    + " current_database() AND application_name = '" + ChangeFeed.APPLICATION_NAME + "'");
        }
        a.ok("DELETE", "/v1/admin/sessions/" + sessionId, null);
        long took = waitFor(() -> b.http.command(token, "PING").status(), status -> status == 401);
        System.out.println("revocation made while the listener was away seen after " + took + " ms");
        waitFor(() -> b.server.registry().changeListenerConnected(), Boolean.TRUE::equals);
    }

    @Test
    void twoInstancesOnOneEmbeddedRegistryFileGetAClearErrorAtStart() throws Exception {
        // H2 locks its file per process: the second instance is a second process, as in production
        Path dir = Files.createTempDirectory("one-h2");
        try (ConnectorServerExtension first = ConnectorServerExtension.start(dir)) {
            String javaBinary = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder second = new ProcessBuilder(javaBinary, "-jar",
                    Path.of("target", "redis-connector.jar").toAbsolutePath().toString(), "serve")
                    .redirectErrorStream(true);
            second.environment().put("RC_DATA_DIR", dir.toString());
            second.environment().put("RC_PORT", "0");
            Process process = second.start();
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the second instance exits")
                    .isTrue();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.exitValue()).as(output).isNotZero();
            assertThat(output).contains("is in use by another process").contains("RC_REGISTRY_URL")
                    .doesNotContain("\tat ").doesNotContain("Exception:");
            assertThat(first.http.send("GET", "/health/ready", null, (String) null).status()).isEqualTo(200);
        }
    }

    @Test
    void propagationDistribution() {
        int changes = Integer.getInteger("propagation.changes", 100);
        a.register("prop-many", REDIS);
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            JsonObject issued = a.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "u" + i)
                    .put("clientId", "prop-many"));
            String token = issued.getString("token");
            assertThat(b.http.command(token, "PING").status()).isEqualTo(200);
            long start = System.nanoTime();
            a.ok("DELETE", "/v1/admin/sessions/" + issued.getJsonObject("session").getString("sessionId"), null);
            long acknowledged = System.nanoTime();
            waitFor(() -> b.http.command(token, "PING").status(), status -> status == 401);
            micros.add((System.nanoTime() - acknowledged) / 1000);
            assertThat(acknowledged).isGreaterThan(start);
        }
        Collections.sort(micros);
        System.out.printf("propagation of %d revocations (from A's answer to B refusing), ms: p50 %.1f p90 %.1f"
                        + " p99 %.1f max %.1f%n", changes, at(micros, 0.50), at(micros, 0.90), at(micros, 0.99),
                micros.getLast() / 1000.0);
    }

    private static double at(List<Long> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1)) / 1000.0;
    }

    /** Polls until {@code done} holds (failing after WAIT_LIMIT_MS); returns the milliseconds it took. */
    private static <T> long waitFor(java.util.function.Supplier<T> probe, Predicate<T> done) {
        long start = System.nanoTime();
        T last = null;
        while (System.nanoTime() - start < WAIT_LIMIT_MS * 1_000_000) {
            last = probe.get();
            if (done.test(last)) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("not in force on the other instance within " + WAIT_LIMIT_MS + " ms (last: "
                + last + ")");
    }
}
