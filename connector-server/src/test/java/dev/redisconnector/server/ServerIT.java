package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.testing.FreePorts;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API end to end: a real server on port 0, a real H2 registry, real redis-server processes. */
class ServerIT {

    static final String ADMIN = "admin-token-for-tests-0123456789";

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().password("acme-pw").build();

    @TempDir
    static Path dataDir;

    static ConnectorServer server;
    static HttpTestClient http;
    static String acmeToken;

    @BeforeAll
    static void start() {
        server = ConnectorServer.start(ServerConfig.load(Map.of(
                "RC_PORT", "0", "RC_ALLOW_LOOPBACK", "true",
                "RC_DATA_DIR", dataDir.toString(),
                "RC_ADMIN_TOKEN", ADMIN,
                "RC_MAX_REPLY_BYTES", "65536",
                "RC_CONNECT_TIMEOUT_MS", "2000"), null));
        http = new HttpTestClient(server.port());
        admin("PUT", "/v1/admin/clients/acme/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()));
        admin("PUT", "/v1/admin/clients/acme/credentials", new JsonObject().put("kind", "password")
                .put("password", "acme-pw"));
        acmeToken = admin("POST", "/v1/admin/sessions", new JsonObject().put("userId", "alice")
                .put("clientId", "acme")).json().getString("token");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpTestClient.Response admin(String method, String path, JsonObject body) {
        HttpTestClient.Response response = http.send(method, path, ADMIN, body == null ? null : body.encode());
        assertThat(response.status()).as(response.body()).isLessThan(300);
        return response;
    }

    static String newSession(String clientId, long ttlSeconds) {
        return admin("POST", "/v1/admin/sessions", new JsonObject().put("userId", "u-" + clientId)
                .put("clientId", clientId).put("ttlSeconds", ttlSeconds)).json().getString("token");
    }

    static void assertError(HttpTestClient.Response response, int status, String code, String step,
                            String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.errorCode()).isEqualTo(code);
        assertThat(response.errorStep()).isEqualTo(step);
        if (message != null) {
            assertThat(response.errorMessage()).isEqualTo(message);
        }
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    }

    @Test
    void seedExample() {
        HttpTestClient.Response response = http.execute(acmeToken,
                "{\"inputs\": {\"command\": \"SET\", \"args\": [\"order:12345\", \"delivered\"]}}");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"output1\":\"OK\"}");
        assertThat(REDIS.server().call("GET", "order:12345")).isEqualTo("delivered");
    }

    @Test
    void numbersBooleansAndBase64() {
        assertThat(http.command(acmeToken, "SET", "n", 42).body()).isEqualTo("{\"output1\":\"OK\"}");
        assertThat(http.command(acmeToken, "INCRBY", "n", 8).body()).isEqualTo("{\"output1\":50}");
        assertThat(http.command(acmeToken, "SET", "flag", true).status()).isEqualTo(200);
        assertThat(http.command(acmeToken, "GET", "flag").body()).isEqualTo("{\"output1\":\"true\"}");
        HttpTestClient.Response binary = http.execute(acmeToken, "{\"inputs\":{\"command\":\"SET\",\"args\":[\"Ymlu\","
                + "\"AP8=\"]},\"options\":{\"encoding\":\"base64\"}}");
        assertThat(binary.body()).isEqualTo("{\"output1\":\"T0s=\"}");
        assertThat(http.execute(acmeToken, "{\"inputs\":{\"command\":\"GET\",\"args\":[\"Ymlu\"]},"
                + "\"options\":{\"encoding\":\"base64\"}}").body()).isEqualTo("{\"output1\":\"AP8=\"}");
        assertThat(http.command(acmeToken, "GET", "missing").body()).isEqualTo("{\"output1\":null}");
    }

    @Test
    void notLoggedIn() {
        String message = "Please log in to run Redis commands.";
        assertError(http.command(null, "GET", "k"), 401, "NOT_LOGGED_IN", "session", message);
        assertError(http.command("garbage", "GET", "k"), 401, "NOT_LOGGED_IN", "session", message);
        assertError(http.command("rcs_" + "A".repeat(43), "GET", "k"), 401, "NOT_LOGGED_IN", "session", message);
        assertThat(http.command(null, "GET", "k").headers().firstValue("www-authenticate")).hasValue("Bearer");
    }

    @Test
    void expiredAndRevokedSessionsStopWorking() throws Exception {
        String shortLived = newSession("acme", 1);
        assertThat(http.command(shortLived, "PING").status()).isEqualTo(200);
        Thread.sleep(1100);
        assertError(http.command(shortLived, "PING"), 401, "NOT_LOGGED_IN", "session", null);

        JsonObject created = admin("POST", "/v1/admin/sessions", new JsonObject().put("userId", "bob")
                .put("clientId", "acme")).json();
        String token = created.getString("token");
        assertThat(http.command(token, "PING").status()).isEqualTo(200);
        admin("DELETE", "/v1/admin/sessions/" + created.getJsonObject("session").getString("sessionId"), null);
        assertError(http.command(token, "PING"), 401, "NOT_LOGGED_IN", "session", null);
    }

    @Test
    void commandRequiredAndRefused() {
        assertError(http.execute(acmeToken, "{\"inputs\":{\"args\":[\"k\"]}}"), 400, "COMMAND_REQUIRED", "command",
                "inputs.command is required: name the Redis command to run, e.g. \"GET\".");
        assertError(http.execute(acmeToken, "{}"), 400, "COMMAND_REQUIRED", "command", null);
        assertError(http.command(acmeToken, "MULTI"), 403, "COMMAND_NOT_ALLOWED", "policy",
                "MULTI is not allowed: transactions run through the transaction endpoint, never on the shared"
                        + " connection.");
    }

    @Test
    void noServiceNoCredentials() {
        // sessions are issued only for clients with a service; one whose service went away meets step 3
        admin("PUT", "/v1/admin/clients/nobody/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()));
        String orphaned = newSession("nobody", 60);
        admin("DELETE", "/v1/admin/clients/nobody/service", null);
        assertError(http.command(orphaned, "GET", "k"), 404, "NO_REDIS_SERVICE", "service",
                "No Redis service exists for client 'nobody'.");
        admin("PUT", "/v1/admin/clients/nocreds/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()));
        assertError(http.command(newSession("nocreds", 60), "GET", "k"), 424, "NO_CREDENTIALS", "credentials",
                "No credentials are stored for the Redis service of client 'nocreds'.");
    }

    @Test
    void redisErrorUnavailableAndTimeout() {
        http.command(acmeToken, "SET", "str", "x");
        assertError(http.command(acmeToken, "LPUSH", "str", "a"), 422, "REDIS_ERROR", "execution",
                "WRONGTYPE Operation against a key holding the wrong kind of value");

        admin("PUT", "/v1/admin/clients/closed/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", FreePorts.next()));
        admin("PUT", "/v1/admin/clients/closed/credentials", new JsonObject().put("kind", "none"));
        assertError(http.command(newSession("closed", 60), "PING"), 502, "REDIS_UNAVAILABLE", "execution",
                "Could not connect to the Redis service of client 'closed'.");

        // a database of its own: not acme's Redis identity, so connections of its own (named after it)
        admin("PUT", "/v1/admin/clients/paused/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()).put("database", 2).put("commandTimeoutMs", 300));
        admin("PUT", "/v1/admin/clients/paused/credentials", new JsonObject().put("kind", "password")
                .put("password", "acme-pw"));
        String paused = newSession("paused", 60);
        // each event loop keeps its own connection: warm them all before pausing Redis
        for (int i = 0; i < 50 && connectionsOf("paused") < server.config().eventLoops(); i++) {
            assertThat(new HttpTestClient(server.port()).command(paused, "PING").status()).isEqualTo(200);
        }
        assertThat(connectionsOf("paused")).isEqualTo(server.config().eventLoops());
        REDIS.server().call("CLIENT", "PAUSE", "1000", "ALL");
        assertError(http.command(paused, "GET", "k"), 504, "TIMEOUT", "execution",
                "Redis did not reply within 300 ms; the outcome is unknown: the command may or may not have run.");
    }

    static long connectionsOf(String clientId) {
        return REDIS.server().call("CLIENT", "LIST").lines()
                .filter(line -> line.contains("name=redis-connector:" + clientId + " ")).count();
    }

    @Test
    void resultTooLarge() {
        http.command(acmeToken, "SET", "big", "y".repeat(70_000));
        assertError(http.command(acmeToken, "GET", "big"), 413, "RESULT_TOO_LARGE", "execution", null);
    }

    @Test
    void malformedInputsGetSpecific4xx() {
        assertError(http.execute(acmeToken, "not json"), 400, "INVALID_REQUEST", "command", null);
        assertError(http.execute(acmeToken, "[1,2]"), 400, "INVALID_REQUEST", "command",
                "The request body must be a JSON object. Send {\"inputs\": {\"command\": \"SET\", \"args\":"
                        + " [\"key\", \"value\"]}}.");
        assertError(http.execute(acmeToken, "{\"inputs\": \"GET k\"}"), 400, "INVALID_REQUEST", "command", null);
        assertError(http.execute(acmeToken, "{\"inputs\": {\"command\": 5}}"), 400, "INVALID_REQUEST", "command",
                "inputs.command must be a string, e.g. \"GET\".");
        assertError(http.execute(acmeToken, "{\"inputs\": {\"command\": \"GET\", \"args\": \"k\"}}"), 400,
                "INVALID_REQUEST", "command", "inputs.args must be an array of strings, numbers or booleans.");
        assertError(http.execute(acmeToken, "{\"inputs\": {\"command\": \"SET\", \"args\": [\"k\", {\"a\": 1}]}}"),
                400, "INVALID_REQUEST", "command",
                "inputs.args[1] is an object; arguments must be strings, numbers or booleans.");
        assertError(http.execute(acmeToken, "{\"inputs\": {\"command\": \"SET\", \"args\": [[1]]}}"), 400,
                "INVALID_REQUEST", "command", null);
        assertError(http.execute(acmeToken, "{\"inputs\":{\"command\":\"GET\",\"args\":[\"k\"]},"
                + "\"options\":{\"encoding\":\"hex\"}}"), 400, "INVALID_REQUEST", "command",
                "options.encoding must be \"utf8\" or \"base64\".");
        assertError(http.execute(acmeToken, ""), 400, "INVALID_REQUEST", "command", null);
        byte[] invalidUtf8 = {'{', '"', 'i', 'n', 'p', 'u', 't', 's', '"', ':', '{', '"', 'c', 'o', 'm', 'm', 'a',
                'n', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '}'};
        assertError(http.send("POST", "/v1/redis/execute", acmeToken, invalidUtf8), 400, "INVALID_REQUEST",
                "command", null);
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        HttpTestClient.Response tooBig = http.send("POST", "/v1/redis/execute", acmeToken, huge);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.errorCode()).isEqualTo("INVALID_REQUEST");
        assertThat(tooBig.errorMessage()).isEqualTo("The request body is larger than the limit (RC_MAX_BODY_BYTES).");
    }

    @Test
    void healthEndpoints() {
        assertThat(http.send("GET", "/health/live", null, (byte[]) null).body()).isEqualTo("{\"status\":\"up\"}");
        HttpTestClient.Response ready = http.send("GET", "/health/ready", null, (byte[]) null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().getString("registry")).isEqualTo("up");
        assertError(http.send("GET", "/nowhere", null, (byte[]) null), 404, "NOT_FOUND", "http",
                "No route GET /nowhere.");
    }

    @Test
    void adminFlows() {
        HttpTestClient.Response put = admin("PUT", "/v1/admin/clients/globex/service", new JsonObject()
                .put("host", "127.0.0.1").put("port", REDIS.port()).put("database", 2).put("commandTimeoutMs", 1500));
        assertThat(put.json().getBoolean("created")).isTrue();
        assertThat(put.json().getInteger("database")).isEqualTo(2);
        admin("PUT", "/v1/admin/clients/globex/credentials", new JsonObject().put("password", "acme-pw"));
        JsonObject shown = admin("GET", "/v1/admin/clients/globex/service", null).json();
        assertThat(shown.getJsonObject("credentials").getString("kind")).isEqualTo("password");
        assertThat(shown.encode()).doesNotContain("acme-pw");
        assertThat(admin("GET", "/v1/admin/clients", null).body()).contains("\"clientId\":\"globex\"")
                .doesNotContain("acme-pw");

        JsonObject test = admin("POST", "/v1/admin/clients/globex/test", null).json();
        assertThat(test.getBoolean("ok")).isTrue();
        assertThat(test.getString("serverVersion")).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(test.getString("role")).isEqualTo("master");

        admin("PUT", "/v1/admin/clients/globex/credentials", new JsonObject().put("password", "wrong"));
        JsonObject failed = admin("POST", "/v1/admin/clients/globex/test", null).json();
        assertThat(failed.getBoolean("ok")).isFalse();
        assertThat(failed.getString("code")).isEqualTo("REDIS_AUTH_FAILED");
        assertThat(failed.encode()).doesNotContain("\"wrong\"");

        JsonObject sessions = admin("GET", "/v1/admin/sessions?clientId=acme", null).json();
        assertThat(sessions.getJsonArray("sessions")).isNotEmpty();
        assertThat(sessions.encode()).doesNotContain(acmeToken);

        admin("DELETE", "/v1/admin/clients/globex/credentials", null);
        admin("DELETE", "/v1/admin/clients/globex/service", null);
        assertError(http.send("GET", "/v1/admin/clients/globex/service", ADMIN, (byte[]) null), 404, "NOT_FOUND",
                "admin", "No Redis service exists for client 'globex'.");
    }

    @Test
    void adminInputIsValidated() {
        assertError(http.send("PUT", "/v1/admin/clients/x/service", ADMIN, "{\"host\": \"h\", \"port\": 70000}"),
                400, "INVALID_REQUEST", "admin", "port must be between 1 and 65535.");
        assertError(http.send("PUT", "/v1/admin/clients/x/service", ADMIN, "{\"hots\": \"h\"}"), 400,
                "INVALID_REQUEST", "admin", "Unknown field 'hots'; known fields: commandTimeoutMs, connectTimeoutMs,"
                        + " database, host, masterName, mode, noPassword, nodes, policy, port, tls,"
                        + " tlsCaCertificatePem, url.");
        assertError(http.send("PUT", "/v1/admin/clients/bad%20id/service", ADMIN, "{\"host\": \"h\"}"), 400,
                "INVALID_REQUEST", "admin", "clientId must be 1-128 letters, digits or . _ - @ :.");
        assertError(http.send("PUT", "/v1/admin/clients/x/credentials", ADMIN, "{\"kind\": \"password\"}"), 400,
                "INVALID_REQUEST", "admin", "password is required for kind password.");
        assertError(http.send("POST", "/v1/admin/sessions", ADMIN, "not json"), 400, "INVALID_REQUEST", "admin",
                null);
    }

    @Test
    void adminInputsOutOfRangeGetPreciseMessages() {
        assertError(http.send("POST", "/v1/admin/sessions", ADMIN, new JsonObject().put("userId", "bad\u0007user")
                .put("clientId", "acme").encode()), 400, "INVALID_REQUEST", "admin", "userId must be 1-200 characters"
                + " without control characters.");
        assertError(http.send("POST", "/v1/admin/sessions", ADMIN, new JsonObject().put("userId", "alice")
                .put("clientId", "acme").put("ttlSeconds", 1e12).encode()), 400, "INVALID_REQUEST", "admin",
                "ttlSeconds must be between 1 and 31622400 (366 days).");
        assertError(http.send("POST", "/v1/admin/sessions", ADMIN, new JsonObject().put("userId", "alice")
                .put("clientId", "acme").put("ttlSeconds", 0).encode()), 400, "INVALID_REQUEST", "admin",
                "ttlSeconds must be between 1 and 31622400 (366 days).");
        assertError(http.send("GET", "/v1/admin/audit?limit=-5", ADMIN, (byte[]) null), 400, "INVALID_REQUEST",
                "admin", "limit must be between 1 and 10000 (got -5).");
        assertError(http.send("GET", "/v1/admin/sessions?limit=abc", ADMIN, (byte[]) null), 400, "INVALID_REQUEST",
                "admin", "limit must be a whole number between 1 and 10000.");
    }

    @Test
    void adminNeedsTheAdminToken() {
        assertError(http.send("GET", "/v1/admin/clients", null, (byte[]) null), 401, "UNAUTHORIZED", "admin",
                "The admin API needs Authorization: Bearer <admin token>.");
        assertError(http.send("GET", "/v1/admin/clients", acmeToken, (byte[]) null), 401, "UNAUTHORIZED", "admin",
                "The admin token is not the server's (RC_ADMIN_TOKEN).");
    }

    @Test
    void gracefulShutdownFinishesInFlightRequests(@TempDir Path otherDir) throws Exception {
        ConnectorServer second = ConnectorServer.start(ServerConfig.load(Map.of("RC_PORT", "0",
                "RC_ALLOW_LOOPBACK", "true",
                "RC_DATA_DIR", otherDir.toString(), "RC_SHUTDOWN_GRACE_MS", "5000"), null));
        second.registry().services().put("acme", ServiceDefinition.of("127.0.0.1",
                REDIS.port()));
        second.registry().credentials().setPassword("acme", null, "acme-pw");
        String token = second.registry().sessions().create("alice", "acme", Duration.ofMinutes(5), false)
                .token();
        HttpTestClient client = new HttpTestClient(second.port());
        CompletableFuture<HttpTestClient.Response> slow = CompletableFuture.supplyAsync(() -> client.command(token,
                "BLPOP", "graceful:empty", "0.7"));
        Thread.sleep(250);
        second.close();
        HttpTestClient.Response finished = slow.get();
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("{\"output1\":null}");
    }
}
