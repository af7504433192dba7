package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.FreePorts;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connection tests say precisely what went wrong; ACL users; services imported from a URL. */
class ConnectionTestIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder()
            .password("default-pw")
            .aclUser("app", "p@ss:w/rd", "~app:* +@read +@write")
            .build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    static JsonObject standalone(String host, int port) {
        return new JsonObject().put("host", host).put("port", port);
    }

    @Test
    void unknownHost() {
        SERVER.register("dns", standalone("no-such-host.invalid", 6379), new JsonObject().put("kind", "none"));
        JsonObject report = SERVER.test("dns");
        assertThat(report.getBoolean("ok")).isFalse();
        assertThat(report.getBoolean("reachable")).isFalse();
        assertThat(report.getString("message")).isEqualTo(
                "Could not connect to the Redis service of client 'dns': its host name could not be resolved.");
    }

    @Test
    void closedPort() {
        SERVER.register("refused", standalone("127.0.0.1", FreePorts.next()), new JsonObject().put("kind", "none"));
        JsonObject report = SERVER.test("refused");
        assertThat(report.getBoolean("ok")).isFalse();
        assertThat(report.getString("code")).isEqualTo("REDIS_UNAVAILABLE");
        assertThat(report.getString("message")).isEqualTo("Could not connect to the Redis service of client 'refused':"
                + " connection refused: nothing listens on that port (is Redis running, is the port right?).");
        // the end user's error says no more about the address than before
        HttpTestClient.Response user = SERVER.http.command(SERVER.session("refused"), "PING");
        assertThat(user.errorMessage()).isEqualTo("Could not connect to the Redis service of client 'refused'.");
    }

    @Test
    void anAddressThatNeverAnswersSaysSoWithTheWaitItGaveUpAfter() throws Exception {
        // a listener that never accepts: once its backlog is full the kernel drops further SYNs, as a firewall would
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket socket = new Socket();
                    try {
                        socket.connect(new InetSocketAddress("127.0.0.1", silent.getLocalPort()), 200);
                        filling.add(socket);
                    } catch (IOException full) {
                        socket.close();
                        break;
                    }
                }
                SERVER.register("silent", standalone("127.0.0.1", silent.getLocalPort()).put("connectTimeoutMs", 800),
                        new JsonObject().put("kind", "none"));
                JsonObject report = SERVER.test("silent");
                assertThat(report.getBoolean("ok")).isFalse();
                assertThat(report.getString("message")).as(report.encode()).contains("no answer within 800 ms: no route"
                        + " to the address, a firewall dropping packets, or the server is down");
            } finally {
                for (Socket socket : filling) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aPasswordProtectedRedisWithoutStoredPasswordSaysSo() {
        String token = SERVER.register("no-pw", standalone("127.0.0.1", REDIS.port()),
                new JsonObject().put("kind", "none"));
        HttpTestClient.Response response = SERVER.http.command(token, "PING");
        assertThat(response.errorCode()).isEqualTo("REDIS_AUTH_FAILED");
        assertThat(response.errorMessage()).startsWith("The Redis service of client 'no-pw' requires a password, and"
                + " its stored credentials have none: NOAUTH");
        assertThat(SERVER.test("no-pw").getString("message")).startsWith("The Redis service of client 'no-pw'"
                + " requires a password");
    }

    @Test
    void authenticationRejected() {
        SERVER.register("bad-auth", standalone("127.0.0.1", REDIS.port()), new JsonObject().put("kind", "password")
                .put("username", "app").put("password", "wrong"));
        JsonObject report = SERVER.test("bad-auth");
        assertThat(report.getBoolean("ok")).isFalse();
        assertThat(report.getBoolean("reachable")).isTrue();
        assertThat(report.getString("code")).isEqualTo("REDIS_AUTH_FAILED");
        assertThat(report.getString("message")).contains("WRONGPASS").doesNotContain("wrong\"");
    }

    @Test
    void standaloneRegisteredAsClusterIsTheWrongMode() {
        SERVER.register("not-a-cluster", new JsonObject().put("mode", "cluster")
                .put("nodes", new JsonArray().add("127.0.0.1:" + REDIS.port())), new JsonObject()
                .put("kind", "password").put("password", "default-pw"));
        JsonObject report = SERVER.test("not-a-cluster");
        assertThat(report.getBoolean("ok")).isFalse();
        assertThat(report.getString("message")).startsWith("Wrong mode: the Redis service of client 'not-a-cluster'"
                + " is registered as a cluster, but the server is not a Redis Cluster node");
    }

    @Test
    void aclUserAllowedAndDenied() {
        String token = SERVER.register("acl", standalone("127.0.0.1", REDIS.port()), new JsonObject()
                .put("kind", "password").put("username", "app").put("password", "p@ss:w/rd"));
        assertThat(SERVER.http.command(token, "SET", "app:1", "v").body()).isEqualTo("{\"output1\":\"OK\"}");
        HttpTestClient.Response denied = SERVER.http.command(token, "SET", "other:1", "v");
        assertThat(denied.status()).isEqualTo(422);
        assertThat(denied.errorCode()).isEqualTo("REDIS_ERROR");
        assertThat(denied.errorMessage()).isEqualTo("NOPERM this user has no permissions to access one of the keys"
                + " used as arguments");
        HttpTestClient.Response noCommand = SERVER.http.command(token, "PING");
        assertThat(noCommand.errorMessage()).startsWith("NOPERM this user has no permissions to run the 'ping'"
                + " command");
        JsonObject report = SERVER.test("acl");
        assertThat(report.getBoolean("ok")).as(report.encode()).isTrue();
        assertThat(report.getString("serverVersion")).isNotBlank();
    }

    @Test
    void importFromAUrlWithEncodedCredentials() {
        JsonObject imported = SERVER.ok("PUT", "/v1/admin/clients/from-url/service", new JsonObject()
                .put("url", "redis://app:p%40ss%3Aw%2Frd@127.0.0.1:" + REDIS.port() + "/0"));
        assertThat(imported.getBoolean("credentialsImported")).isTrue();
        assertThat(imported.getJsonObject("credentials").getString("username")).isEqualTo("app");
        assertThat(imported.encode()).doesNotContain("p@ss").doesNotContain("p%40ss");
        String token = SERVER.session("from-url");
        assertThat(SERVER.http.command(token, "SET", "app:url", "v").body()).isEqualTo("{\"output1\":\"OK\"}");

        HttpTestClient.Response bad = SERVER.admin("PUT", "/v1/admin/clients/bad-url/service",
                new JsonObject().put("url", "http://secret:pw@host"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).isEqualTo("url must start with redis:// or rediss://.").doesNotContain("pw");
    }
}
