package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.FreePorts;
import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.RedisServerProcess;
import dev.redisconnector.testing.RedisTopologies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host policy on every path that connects: cloud metadata and link-local addresses in any spelling, loopback
 * when not allowed, the connector's own port; refused, closed and non-Redis ports look the same to the caller.
 */
class SsrfIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @TempDir
    static Path dir;

    static ConnectorServerExtension strict;
    static ConnectorServerExtension loopbackAllowed;
    static int ownPort;

    @BeforeAll
    static void start() {
        strict = ConnectorServerExtension.start(dir.resolve("strict"), Map.of("RC_ALLOW_LOOPBACK", "false",
                "RC_CONNECT_TIMEOUT_MS", "1500"));
        ownPort = FreePorts.next();
        loopbackAllowed = ConnectorServerExtension.start(dir.resolve("allowed"),
                Map.of("RC_PORT", Integer.toString(ownPort),
                "RC_EVENT_LOOPS", "1", "RC_CONNECT_TIMEOUT_MS", "1500"));
    }

    @AfterAll
    static void stop() {
        strict.close();
        loopbackAllowed.close();
    }

    static HttpTestClient.Response runAgainst(ConnectorServerExtension fixture, String clientId, String host,
                                              int port) {
        String token = fixture.register(clientId, new JsonObject().put("host", host).put("port", port),
                new JsonObject().put("kind", "password").put("password", "never-sent-" + clientId));
        return fixture.http.command(token, "GET", "k");
    }

    static void assertCouldNotConnect(HttpTestClient.Response response, String clientId) {
        assertThat(response.status()).as(response.body()).isEqualTo(502);
        assertThat(response.errorCode()).isEqualTo("REDIS_UNAVAILABLE");
        assertThat(response.errorMessage()).isEqualTo("Could not connect to the Redis service of client '" + clientId
                + "'.");
    }

    @Test
    void metadataAddressesInEverySpellingAreRefused() {
        String[] hosts = {"169.254.169.254", "[::ffff:169.254.169.254]", "::ffff:a9fe:a9fe", "fd00:ec2::254",
                "100.100.100.200", "168.63.129.16", "2852039166", "0251.0376.0251.0376", "0xa9fea9fe",
                "169.254.43518", "metadata.google.internal.", "0.0.0.0", "[fe80::1]"};
        int refusedAtSave = 0;
        for (int i = 0; i < hosts.length; i++) {
            String clientId = "meta-" + i;
            HttpTestClient.Response saved = loopbackAllowed.admin("PUT", "/v1/admin/clients/" + clientId + "/service",
                    new JsonObject().put("host", hosts[i]).put("port", 80));
            if (saved.status() == 400) {
                // a literal the policy always refuses never gets into the registry
                assertThat(saved.errorMessage()).as(hosts[i]).contains("the connector never connects to it");
                refusedAtSave++;
                continue;
            }
            long started = System.nanoTime();
            HttpTestClient.Response response = runAgainst(loopbackAllowed, clientId, hosts[i], 80);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(response.status()).as(hosts[i] + ": " + response.body()).isIn(400, 502);
            if (response.status() == 502) {
                assertCouldNotConnect(response, clientId);
            }
            assertThat(millis).as(hosts[i] + " answered in " + millis + " ms").isLessThan(3000);
            // the connection test path is checked too, and tells the operator why
            JsonObject report = loopbackAllowed.test(clientId);
            assertThat(report.getBoolean("ok")).as(hosts[i]).isFalse();
            assertThat(report.getBoolean("reachable")).as(hosts[i]).isFalse();
            assertThat(report.getString("message")).as(hosts[i]).containsAnyOf("host policy refuses",
                    "could not be resolved");
        }
        assertThat(refusedAtSave).as("169.254.169.254, its IPv6 spellings, 0.0.0.0 and fe80::1")
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void anUnresolvableNameAndARefusedAddressAnswerAlike() {
        assertCouldNotConnect(runAgainst(strict, "no-such-name", "no-such-host.invalid", REDIS.port()),
                "no-such-name");
        assertCouldNotConnect(runAgainst(strict, "refused-addr", "127.0.0.1", REDIS.port()), "refused-addr");
        assertThat(strict.test("no-such-name").getString("message")).isEqualTo("Could not connect to the Redis service"
                + " of client 'no-such-name': its host name could not be resolved.");
        assertThat(strict.test("refused-addr").getString("message")).startsWith("Could not connect to the Redis"
                + " service of client 'refused-addr': the connector's host policy refuses its address");
    }

    @Test
    void loopbackIsRefusedUnlessAllowed() {
        assertCouldNotConnect(runAgainst(strict, "local", "127.0.0.1", REDIS.port()), "local");
        assertCouldNotConnect(runAgainst(strict, "local6", "::1", REDIS.port()), "local6");
        assertCouldNotConnect(runAgainst(strict, "localname", "localhost", REDIS.port()), "localname");
        HttpTestClient.Response allowed = runAgainst(loopbackAllowed, "local-ok", "127.0.0.1", REDIS.port());
        // 200 is what this means; under the full suite's load the first command on the new connection was seen once
        // (1 in ~8 runs) to answer 502 "down; not sent" instead: an open finding (see the issue), not accepted here
        // as success of the host policy
        assertThat(allowed.status()).as(allowed.body()).isIn(200, 502);
        if (allowed.status() == 502) {
            assertThat(allowed.errorMessage()).doesNotContain("Could not connect");
        }
    }

    @Test
    void aMasterReportedBySentinelIsCheckedToo() throws Exception {
        // the master listens on 127.0.0.2 as well; the sentinel (on 127.0.0.1) reports it there
        try (RedisServerProcess master = RedisServerProcess
                .start(List.of("bind 127.0.0.1 127.0.0.2"), dir.resolve("master"));
             RedisServerProcess sentinel = RedisServerProcess
                     .start(List.of("sentinel monitor reported 127.0.0.2 " + master.port() + " 1"),
                             dir.resolve("sentinel"), RedisServerProcess.Kind.SENTINEL);
             ConnectorServerExtension denying = ConnectorServerExtension.start(dir.resolve("denying"),
                     Map.of("RC_DENIED_NETWORKS",
                     "127.0.0.2/32", "RC_CONNECT_TIMEOUT_MS", "1500"))) {
            master.call("SET", "where", "master");
            JsonObject service = new JsonObject().put("mode", "sentinel").put("masterName", "reported")
                    .put("nodes", new JsonArray().add("127.0.0.1:" + sentinel.port()));
            String allowedToken = loopbackAllowed.register("sentinel-ok", service, new JsonObject().put("kind",
                    "none"));
            RedisTopologies.await(() -> "master".equals(loopbackAllowed.http
                    .command(allowedToken, "GET", "where").json().getString("output1")),
                    "the master reported by the sentinel to answer");
            // the sentinel itself may be reached; the master it reports may not
            String deniedToken = denying.register("sentinel-denied", service.copy(), new JsonObject().put("kind",
                    "none"));
            assertCouldNotConnect(denying.http.command(deniedToken, "GET", "where"), "sentinel-denied");
            loopbackAllowed.admin("DELETE", "/v1/admin/clients/sentinel-ok/service", null);
        }
    }

    @Test
    void nodesReportedByAClusterAreCheckedToo() throws Exception {
        // a one-node cluster reached at 127.0.0.1 that announces itself as 127.0.0.2
        try (RedisServerProcess node = RedisServerProcess
                .start(List.of("bind 127.0.0.1 127.0.0.2", "cluster-enabled yes", "cluster-announce-ip 127.0.0.2",
                        "cluster-config-file nodes.conf"), dir.resolve("cluster"));
             ConnectorServerExtension denying = ConnectorServerExtension.start(
                     dir.resolve("denying-cluster"), Map.of("RC_DENIED_NETWORKS",
                     "127.0.0.2/32", "RC_CONNECT_TIMEOUT_MS", "1500", "RC_COMMAND_TIMEOUT_MS", "1500"))) {
            node.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            RedisTopologies.await(() -> node.call("CLUSTER", "INFO")
                    .contains("cluster_state:ok"), "the one-node cluster to be ready");
            JsonObject service = new JsonObject().put("mode", "cluster")
                    .put("nodes", new JsonArray().add("127.0.0.1:" + node.port()));
            String allowedToken = loopbackAllowed.register("cluster-ok", service, new JsonObject().put("kind",
                    "none"));
            HttpTestClient.Response allowed = loopbackAllowed.http.command(allowedToken, "SET", "where", "node");
            assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
            String deniedToken = denying.register("cluster-denied", service.copy(), new JsonObject().put("kind",
                    "none"));
            HttpTestClient.Response denied = denying.http.command(deniedToken, "GET", "where");
            assertThat(denied.status()).as(denied.body()).isIn(502, 504);
            assertThat(denied.body()).doesNotContain("\"output1\"");
            loopbackAllowed.admin("DELETE", "/v1/admin/clients/cluster-ok/service", null);
        }
    }

    @Test
    void theConnectorsOwnPortIsRefused() {
        assertCouldNotConnect(runAgainst(loopbackAllowed, "self", "127.0.0.1", ownPort), "self");
    }

    @Test
    void refusedClosedAndNonRedisPortsLookTheSame() throws Exception {
        int closed = FreePorts.next();
        try (ServerSocket notRedis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!notRedis.isClosed()) {
                    try (Socket socket = notRedis.accept(); OutputStream out = socket.getOutputStream()) {
                        socket.getInputStream().read(new byte[1024]);
                        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException ignored) {
                        // next
                    }
                }
            });
            String[][] cases = {{"denied", "metadata.google.internal.", "6379"},
                    {"closed", "127.0.0.1", Integer.toString(closed)},
                    {"notredis", "127.0.0.1", Integer.toString(notRedis.getLocalPort())}};
            for (String[] c : cases) {
                long started = System.nanoTime();
                HttpTestClient.Response response = runAgainst(loopbackAllowed, c[0], c[1], Integer.parseInt(c[2]));
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("%s: %d ms, %s%n", c[0], millis, response.body());
                assertCouldNotConnect(response, c[0]);
                assertThat(millis).as(c[0]).isLessThan(1500);
            }
        }
    }
}
