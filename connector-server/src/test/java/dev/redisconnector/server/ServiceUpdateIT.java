package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Service changes do what they say: partial updates keep the rest, a replacement shows what it changed. */
class ServiceUpdateIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    static JsonObject service(int database) {
        return new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port()).put("database", database);
    }

    @Test
    void aPartialUpdateChangesOnlyWhatItNames() {
        String token = SERVER.register("patched", service(2).put("commandTimeoutMs", 2500),
                new JsonObject().put("kind", "none"));
        assertThat(SERVER.http.command(token, "SET", "acme:k", "v").status()).isEqualTo(200);
        JsonObject patched = SERVER.ok("PATCH", "/v1/admin/clients/patched/service", new JsonObject()
                .put("policy", new JsonObject().put("mode", "read-only")
                        .put("keyPrefixes", new JsonArray().add("acme:"))));
        assertThat(patched.getInteger("database")).isEqualTo(2);
        assertThat(patched.getLong("commandTimeoutMs")).isEqualTo(2500);
        assertThat(patched.getJsonObject("policy").getString("mode")).isEqualTo("read-only");
        assertThat(patched.getJsonObject("changed").fieldNames())
                .containsExactlyInAnyOrder("policy.mode", "policy.keyPrefixes");
        assertThat(patched.getJsonObject("credentials").getString("kind")).as("credentials kept").isEqualTo("none");
        // in force at once, on database 2
        assertThat(SERVER.http.command(token, "GET", "acme:k").body()).isEqualTo("{\"output1\":\"v\"}");
        assertThat(SERVER.http.command(token, "SET", "acme:k", "w").status()).isEqualTo(403);
        // one policy field: the others stay
        JsonObject scripting = SERVER.ok("PATCH", "/v1/admin/clients/patched/service", new JsonObject()
                .put("policy", new JsonObject().put("scripting", true)));
        assertThat(scripting.getJsonObject("policy").getString("mode")).isEqualTo("read-only");
        assertThat(scripting.getJsonObject("policy").getJsonArray("keyPrefixes")).containsExactly("acme:");
        HttpTestClient.Response unknownField = SERVER.admin("PATCH", "/v1/admin/clients/patched/service",
                new JsonObject().put("mode", "cluster"));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(SERVER.admin("PATCH", "/v1/admin/clients/nobody/service", new JsonObject().put("database", 1))
                .status()).isEqualTo(404);
    }

    @Test
    void aReplacementShowsWhatItChanged() {
        SERVER.register("replaced", service(2), new JsonObject().put("kind", "none"));
        JsonObject replaced = SERVER.ok("PUT", "/v1/admin/clients/replaced/service", new JsonObject()
                .put("host", "127.0.0.1").put("port", REDIS.port()).put("policy", new JsonObject()
                        .put("mode", "read-only")));
        assertThat(replaced.getJsonObject("changed").getJsonObject("database").encode())
                .isEqualTo("{\"from\":2,\"to\":0}");
        assertThat(replaced.getJsonObject("changed").getJsonObject("policy.mode").encode())
                .isEqualTo("{\"from\":\"read-write\",\"to\":\"read-only\"}");
    }

    @Test
    void policyRulesAreCheckedWhenSaved() {
        HttpTestClient.Response refused = SERVER.admin("PUT", "/v1/admin/clients/typo/service", service(0)
                .put("policy", new JsonObject().put("allow", new JsonArray().add("@nonexistent").add("FOOBAR")
                        .add("GET").add("CONFIG|GET").add("JSON.GET").add("@read"))));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.errorMessage()).startsWith("allow rules name what Redis does not have: @nonexistent,"
                + " FOOBAR. Rules are command names (GET, CONFIG|GET, JSON.GET) or categories: @admin @bitmap")
                .contains("@scripting");
        assertThat(SERVER.admin("PATCH", "/v1/admin/clients/typo/service", new JsonObject()
                .put("policy", new JsonObject().put("deny", new JsonArray().add("@nope")))).status())
                .isIn(400, 404);
    }

    @Test
    void urlImportCanSayThereIsNoPasswordAndRefusesSentinelUrls() {
        JsonObject imported = SERVER.ok("PUT", "/v1/admin/clients/from-url/service", new JsonObject()
                .put("url", "redis://127.0.0.1:" + REDIS.port() + "/3").put("noPassword", true));
        assertThat(imported.getBoolean("credentialsImported")).isTrue();
        assertThat(imported.getJsonObject("credentials").getString("kind")).isEqualTo("none");
        String token = SERVER.session("from-url");
        assertThat(SERVER.http.command(token, "PING").body()).isEqualTo("{\"output1\":\"PONG\"}");

        HttpTestClient.Response sentinel = SERVER.admin("PUT", "/v1/admin/clients/sentinel-url/service",
                new JsonObject().put("url", "redis-sentinel://10.0.0.7:26379/mymaster"));
        assertThat(sentinel.status()).isEqualTo(400);
        assertThat(sentinel.errorMessage()).startsWith("a redis-sentinel:// URL cannot be imported: register a"
                + " Sentinel service with its mode, master name and sentinels instead");
        HttpTestClient.Response plainWithCa = SERVER.admin("PUT", "/v1/admin/clients/ca-url/service",
                new JsonObject().put("url", "redis://127.0.0.1:6379").put("tlsCaCertificatePem", "-----BEGIN"));
        assertThat(plainWithCa.errorMessage()).isEqualTo("tlsCaCertificatePem needs a rediss:// url (TLS).");
    }
}
