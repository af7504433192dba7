package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Forged, truncated, expired and revoked tokens; one client's token never reaches another's service; throttling. */
class SessionSecurityIT {

    @RegisterExtension
    static final RedisServerExtension REDIS_A = RedisServerExtension.builder().build();

    @RegisterExtension
    static final RedisServerExtension REDIS_B = RedisServerExtension.builder().build();

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder()
            .setting("RC_AUTH_FAILURES_PER_MINUTE", "0").build();
    static String tokenA;
    static String tokenB;

    @BeforeAll
    static void start() {
        tokenA = SERVER.register("tenant-a", REDIS_A);
        tokenB = SERVER.register("tenant-b", REDIS_B);
    }

    static void assertNotLoggedIn(HttpTestClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.errorCode()).isEqualTo("NOT_LOGGED_IN");
        assertThat(response.errorStep()).isEqualTo("session");
        assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer");
    }

    @Test
    void badTokensAreRefused() {
        assertNotLoggedIn(SERVER.http.command("rcs_" + "A".repeat(43), "GET", "k"));
        assertNotLoggedIn(SERVER.http.command(tokenA.substring(0, tokenA.length() - 1), "GET", "k"));
        assertNotLoggedIn(SERVER.http.command(tokenA + "x", "GET", "k"));
        assertNotLoggedIn(SERVER.http.command(tokenA.toUpperCase(), "GET", "k"));
        assertNotLoggedIn(SERVER.http.command("eyJhbGciOiJub25lIn0.eyJjbGllbnRJZCI6InRlbmFudC1iIn0.", "GET", "k"));
        assertNotLoggedIn(SERVER.http.command("", "GET", "k"));
        assertNotLoggedIn(SERVER.http.execute(null, "{\"inputs\":{\"command\":\"GET\",\"args\":[\"k\"]}}"));
    }

    @Test
    void expiredAndRevokedTokensAreRefused() throws Exception {
        JsonObject shortLived = SERVER.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "brief")
                .put("clientId", "tenant-a").put("ttlSeconds", 1));
        String token = shortLived.getString("token");
        assertThat(SERVER.http.command(token, "PING").status()).isEqualTo(200);
        Thread.sleep(1500);
        assertNotLoggedIn(SERVER.http.command(token, "PING"));

        JsonObject revocable = SERVER.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "gone")
                .put("clientId", "tenant-a"));
        String revoked = revocable.getString("token");
        assertThat(SERVER.http.command(revoked, "PING").status()).isEqualTo(200);
        SERVER.ok("DELETE", "/v1/admin/sessions/" + revocable.getJsonObject("session").getString("sessionId"), null);
        assertNotLoggedIn(SERVER.http.command(revoked, "PING"));
    }

    @Test
    void aClientsTokenOnlyEverReachesItsOwnService() {
        REDIS_A.server().call("SET", "owner", "tenant-a");
        REDIS_B.server().call("SET", "owner", "tenant-b");
        assertThat(SERVER.http.command(tokenA, "GET", "owner").json().getString("output1")).isEqualTo("tenant-a");
        assertThat(SERVER.http.command(tokenB, "GET", "owner").json().getString("output1")).isEqualTo("tenant-b");
        // nothing in a request body can redirect it to another client
        HttpTestClient.Response smuggled = SERVER.http.execute(tokenA, "{\"inputs\":{\"command\":\"GET\","
                + "\"args\":[\"owner\"],\"clientId\":\"tenant-b\"},\"session\":{\"user\":{\"clientId\":\"tenant-b\"}},"
                + "\"clientId\":\"tenant-b\"}");
        assertThat(smuggled.json().getString("output1")).isEqualTo("tenant-a");
        assertThat(SERVER.http.send("POST", "/upstash", tokenA, "[\"GET\", \"owner\"]").json().getString("result"))
                .isEqualTo("tenant-a");
    }

    @Test
    void repeatedFailuresFromOneAddressAreSlowedDown() {
        try (ConnectorServerExtension throttled = ConnectorServerExtension.start(dir.resolve("throttled"),
                Map.of("RC_AUTH_FAILURES_PER_MINUTE", "5"))) {
            String valid = throttled.register("t", new JsonObject().put("host", "127.0.0.1")
                    .put("port", REDIS_A.port()), new JsonObject().put("kind", "none"));
            for (int i = 0; i < 5; i++) {
                assertThat(throttled.http.command("rcs_guess" + i, "GET", "k").status()).isEqualTo(401);
            }
            HttpTestClient.Response slowed = throttled.http.command("rcs_guess-next", "GET", "k");
            assertThat(slowed.status()).isEqualTo(429);
            assertThat(slowed.errorCode()).isEqualTo("RATE_LIMITED");
            assertThat(slowed.headers().firstValue("retry-after")).hasValueSatisfying(seconds ->
                    assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
            // while slowed down, even a valid token from that address waits: guessing gains nothing
            assertThat(throttled.http.command(valid, "GET", "k").status()).isEqualTo(429);
            HttpTestClient.Response upstash = throttled.http.send("POST", "/upstash", "rcs_guess", "[\"GET\",\"k\"]");
            assertThat(upstash.status()).isEqualTo(429);
            assertThat(upstash.json().getString("error")).startsWith("RATE_LIMITED");
            // the admin API's token is guarded by the same throttle
            assertThat(throttled.http.send("GET", "/v1/admin/clients", "wrong-admin-token", (String) null).status())
                    .isEqualTo(429);
        }
    }
}
