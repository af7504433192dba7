package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-service command policies, decided from the server's own command table, against a real Redis. */
class PolicyIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    static String register(String clientId, JsonObject policy) {
        JsonObject service = new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port());
        if (policy != null) {
            service.put("policy", policy);
        }
        return SERVER.register(clientId, service, new JsonObject().put("kind", "none"));
    }

    static void assertRefused(HttpTestClient.Response response, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
        assertThat(response.errorCode()).isEqualTo("COMMAND_NOT_ALLOWED");
        assertThat(response.errorStep()).isEqualTo("policy");
        assertThat(response.errorMessage()).isEqualTo(message);
    }

    @Test
    void readOnlyAllowsReadsAndRefusesWrites() {
        String token = register("ro", new JsonObject().put("mode", "read-only"));
        assertThat(SERVER.http.command(token, "GET", "k").status()).isEqualTo(200);
        assertThat(SERVER.http.command(token, "PING").status()).isEqualTo(200);
        assertRefused(SERVER.http.command(token, "SET", "k", "v"), "SET is not allowed for client 'ro': it is not a"
                + " read-only command and the service's policy is read-only.");
    }

    @Test
    void dangerousIsRefusedByDefaultAndAllowedWhenTheOperatorSaysSo() {
        String token = register("default", null);
        assertThat(SERVER.http.command(token, "SET", "k", "v").status()).isEqualTo(200);
        assertRefused(SERVER.http.command(token, "KEYS", "*"), "KEYS is not allowed for client 'default': @dangerous"
                + " commands are denied unless the operator allows them (rule: default deny @dangerous; allow KEYS or"
                + " @dangerous in the service's policy).");
        assertThat(SERVER.http.command(token, "FLUSHDB").status()).isEqualTo(403);
        assertThat(SERVER.http.command(token, "CONFIG", "SET", "maxmemory", "1").status()).isEqualTo(403);

        String allowed = register("allowed", new JsonObject().put("allow", new JsonArray().add("KEYS").add("flushdb")));
        assertThat(SERVER.http.command(allowed, "KEYS", "nothing:*").body()).isEqualTo("{\"output1\":[]}");
        assertThat(SERVER.http.command(allowed, "FLUSHDB").status()).isEqualTo(200);
        assertThat(SERVER.http.command(allowed, "CONFIG", "GET", "maxmemory").status()).isEqualTo(403);
    }

    @Test
    void customRulesByNameAndCategory() {
        String token = register("custom", new JsonObject().put("mode", "custom")
                .put("allow", new JsonArray().add("@string").add("PING")).put("deny", new JsonArray().add("APPEND")));
        assertThat(SERVER.http.command(token, "SET", "s", "v").status()).isEqualTo(200);
        assertThat(SERVER.http.command(token, "PING").status()).isEqualTo(200);
        assertRefused(SERVER.http.command(token, "APPEND", "s", "x"), "APPEND is not allowed for client 'custom':"
                + " denied by the service's rule 'deny APPEND'.");
        assertRefused(SERVER.http.command(token, "HSET", "h", "f", "v"), "HSET is not allowed for client 'custom':"
                + " the service's custom policy allows only @string, PING.");
    }

    @Test
    void keyNamespaceCoversSingleMultiMovableAndChannels() {
        String token = register("ns", new JsonObject().put("keyPrefixes", new JsonArray().add("app:")));
        assertThat(SERVER.http.command(token, "SET", "app:1", "v").status()).isEqualTo(200);
        assertRefused(SERVER.http.command(token, "SET", "other:1", "v"), "SET is not allowed for client 'ns': the"
                + " key 'other:1' is outside the service's key namespace (app:*).");
        assertThat(SERVER.http.command(token, "MSET", "app:a", "1", "app:b", "2").status()).isEqualTo(200);
        assertThat(SERVER.http.command(token, "MSET", "app:a", "1", "b", "2").status()).isEqualTo(403);
        assertThat(SERVER.http.command(token, "DEL", "app:a", "app:b").status()).isEqualTo(200);
        assertThat(SERVER.http.command(token, "DEL", "app:a", "b").status()).isEqualTo(403);
        assertThat(SERVER.http.command(token, "ZUNIONSTORE", "app:dest", 2, "app:a", "app:b").status())
                .isEqualTo(200);
        assertThat(SERVER.http.command(token, "ZUNIONSTORE", "app:dest", 2, "app:a", "other:b").status())
                .isEqualTo(403);
        assertThat(SERVER.http.command(token, "XREAD", "COUNT", 1, "STREAMS", "app:s", "other:s", "0", "0")
                .status()).isEqualTo(403);
        assertThat(SERVER.http.command(token, "XREAD", "COUNT", 1, "STREAMS", "app:s", "0").status()).isEqualTo(200);
        assertThat(SERVER.http.command(token, "PUBLISH", "app:events", "hi").status()).isEqualTo(200);
        assertRefused(SERVER.http.command(token, "PUBLISH", "news", "hi"), "PUBLISH is not allowed for client 'ns':"
                + " the channel 'news' is outside the service's key namespace (app:*).");
        assertRefused(SERVER.http.command(token, "JSON.GET", "app:doc", "$"), "JSON.GET is not allowed for client"
                + " 'ns': it is not in the server's command table, so its keys cannot be checked against the service's"
                + " key namespace.");
    }

    @Test
    void readOnlySessionsStayReadOnlyWhateverThePolicy() {
        register("rw", null);
        String token = SERVER.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "viewer")
                .put("clientId", "rw").put("readOnly", true)).getString("token");
        assertThat(SERVER.http.command(token, "GET", "k").status()).isEqualTo(200);
        assertRefused(SERVER.http.command(token, "SET", "k", "v"), "SET is not allowed for client 'rw': it is not a"
                + " read-only command and the session is read-only.");
    }

    @Test
    void policyIsShownAndValidated() {
        register("shown", new JsonObject().put("mode", "read-only").put("keyPrefixes", new JsonArray().add("a:")));
        JsonObject policy = SERVER.ok("GET", "/v1/admin/clients/shown/service", null).getJsonObject("policy");
        assertThat(policy.getString("mode")).isEqualTo("read-only");
        assertThat(policy.getJsonArray("keyPrefixes")).containsExactly("a:");
        HttpTestClient.Response bad = SERVER.admin("PUT", "/v1/admin/clients/bad/service", new JsonObject()
                .put("host", "127.0.0.1").put("policy", new JsonObject().put("mode", "custom")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).isEqualTo("a custom policy needs at least one allow rule.");
    }
}
