package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/** A running server with the admin API on, for tests that register services over HTTP. */
final class AdminFixture implements AutoCloseable {

    static final String ADMIN = "fixture-admin-token-0123456789abc";

    final ConnectorServer server;
    final HttpTestClient http;

    AdminFixture(Path dataDir) {
        this(dataDir, Map.of());
    }

    /** A server with extra settings ({@code RC_*} names) over the fixture's own. */
    AdminFixture(Path dataDir, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("RC_PORT", "0", "RC_DATA_DIR", dataDir.toString(),
                "RC_ADMIN_TOKEN", ADMIN, "RC_CONNECT_TIMEOUT_MS", "3000", "RC_COMMAND_TIMEOUT_MS", "3000",
                "RC_ALLOW_LOOPBACK", "true"));
        all.putAll(settings);
        server = ConnectorServer.start(ServerConfig.load(all, null));
        http = new HttpTestClient(server.port());
    }

    HttpTestClient.Response admin(String method, String path, JsonObject body) {
        return http.send(method, path, ADMIN, body == null ? null : body.encode());
    }

    JsonObject ok(String method, String path, JsonObject body) {
        HttpTestClient.Response response = admin(method, path, body);
        assertThat(response.status()).as(response.body()).isLessThan(300);
        return response.json();
    }

    /** Registers a service and its credentials and returns a session token for it. */
    String register(String clientId, JsonObject service, JsonObject credentials) {
        ok("PUT", "/v1/admin/clients/" + clientId + "/service", service);
        ok("PUT", "/v1/admin/clients/" + clientId + "/credentials", credentials);
        return session(clientId);
    }

    String session(String clientId) {
        return ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "u-" + clientId)
                .put("clientId", clientId)).getString("token");
    }

    JsonObject test(String clientId) {
        return ok("POST", "/v1/admin/clients/" + clientId + "/test", null);
    }

    @Override
    public void close() {
        server.close();
    }
}
