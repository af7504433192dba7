package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running connector server for a test class: started on port 0 with the admin API on and an H2 registry in a temp
 * directory before the class's tests, stopped after them whatever happens (as Jdbi's {@code JdbiExtension} owns its
 * database). Register it as {@code @RegisterExtension static final ConnectorServerExtension SERVER =
 * ConnectorServerExtension.builder().setting("RC_...", "...").build();}. {@link #start} gives one for a single test,
 * closed with try-with-resources. Not thread-safe to set up; the HTTP helpers are.
 */
final class ConnectorServerExtension implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    static final String ADMIN = "fixture-admin-token-0123456789abc";

    private final Map<String, String> settings;
    private final Map<String, RedisServerExtension> clients;
    private final Map<String, String> tokens = new HashMap<>();
    private Path dataDir;
    private boolean ownsDataDir;
    /** The server (set once started). */
    ConnectorServer server;
    /** An HTTP client for the server (set once started). */
    HttpTestClient http;

    private ConnectorServerExtension(Map<String, String> settings, Map<String, RedisServerExtension> clients) {
        this.settings = Map.copyOf(settings);
        this.clients = Map.copyOf(clients);
    }

    static Builder builder() {
        return new Builder();
    }

    /** A server started now on {@code dataDir}, with {@code settings} ({@code RC_*} names) over the defaults. */
    static ConnectorServerExtension start(Path dataDir, Map<String, String> settings) {
        ConnectorServerExtension extension = new ConnectorServerExtension(settings, Map.of());
        extension.startOn(dataDir);
        return extension;
    }

    /** {@link #start(Path, Map)} with the defaults. */
    static ConnectorServerExtension start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        ownsDataDir = true;
        startOn(Files.createTempDirectory("connector-server"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void startOn(Path directory) {
        this.dataDir = directory;
        Map<String, String> all = new HashMap<>(Map.of("RC_PORT", "0", "RC_DATA_DIR", directory.toString(),
                "RC_ADMIN_TOKEN", ADMIN, "RC_CONNECT_TIMEOUT_MS", "3000", "RC_COMMAND_TIMEOUT_MS", "3000",
                "RC_ALLOW_LOOPBACK", "true",
                // in-process servers start many times a run: the warm-up is WarmupIT's and the packaged servers'
                "RC_WARMUP", "false"));
        all.putAll(settings);
        server = ConnectorServer.start(ServerConfig.load(all, null));
        http = new HttpTestClient(server.port());
    }

    /**
     * The session token of a client the builder named ({@link Builder#client}), registered on first use (extensions
     * start in an order JUnit does not promise, so the Redis may not be up when this server starts).
     */
    synchronized String token(String clientId) {
        return tokens.computeIfAbsent(clientId, id -> register(id, clients.get(id)));
    }

    /** The registry's data directory. */
    Path dataDir() {
        return dataDir;
    }

    /** An admin API call with the admin token. */
    HttpTestClient.Response admin(String method, String path, JsonObject body) {
        return http.send(method, path, ADMIN, body == null ? null : body.encode());
    }

    /** An admin API call that must succeed; its JSON answer. */
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

    /** Registers {@code redis} (no password) for the client and returns a session token. */
    String register(String clientId, RedisServerExtension redis) {
        return register(clientId, redis.port());
    }

    /** Registers the Redis on this port of 127.0.0.1 (no password) for the client and returns a session token. */
    String register(String clientId, int port) {
        return register(clientId, new JsonObject().put("host", "127.0.0.1").put("port", port),
                new JsonObject().put("kind", "none"));
    }

    /** A new session token for the client. */
    String session(String clientId) {
        return ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "u-" + clientId)
                .put("clientId", clientId)).getString("token");
    }

    /**
     * A session whose client has no service (any more): sessions are issued only for clients with one, so this
     * registers one, issues the session and deletes the service again (what step 3 then meets).
     */
    String orphanedSession(String clientId) {
        ok("PUT", "/v1/admin/clients/" + clientId + "/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", 6379));
        String token = session(clientId);
        ok("DELETE", "/v1/admin/clients/" + clientId + "/service", null);
        return token;
    }

    /** The connection test's report. */
    JsonObject test(String clientId) {
        return ok("POST", "/v1/admin/clients/" + clientId + "/test", null);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (ownsDataDir && dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Builds a {@link ConnectorServerExtension}. */
    static final class Builder {
        private final Map<String, String> settings = new HashMap<>();
        private final Map<String, RedisServerExtension> clients = new LinkedHashMap<>();

        /** One setting ({@code RC_*} name) over the fixture's defaults. */
        Builder setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** Several settings. */
        Builder settings(Map<String, String> values) {
            settings.putAll(values);
            return this;
        }

        /**
         * A client of {@code redis} (no password), registered on the first call of {@link #token}.
         */
        Builder client(String clientId, RedisServerExtension redis) {
            clients.put(clientId, redis);
            return this;
        }

        ConnectorServerExtension build() {
            return new ConnectorServerExtension(settings, clients);
        }
    }
}
