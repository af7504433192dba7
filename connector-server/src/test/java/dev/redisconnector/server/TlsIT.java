package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerProcess;
import dev.redisconnector.testing.TlsFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS against real redis-server TLS ports, with a CA, server and client certificates made by the test. */
class TlsIT {

    @TempDir
    static Path dir;

    static TlsFiles tls;
    static RedisServerProcess plainTls;
    static RedisServerProcess mutualTls;
    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    @BeforeAll
    static void start() {
        tls = TlsFiles.generate(dir.resolve("pki"));
        plainTls = RedisServerProcess.start(tls.serverConfig(false), dir.resolve("tls"),
                RedisServerProcess.Kind.TLS);
        mutualTls = RedisServerProcess.start(tls.serverConfig(true), dir.resolve("mtls"),
                RedisServerProcess.Kind.TLS);
    }

    @AfterAll
    static void stop() {
        mutualTls.stop();
        plainTls.stop();
    }

    static JsonObject service(String host, int port, boolean withCa) {
        JsonObject tlsSettings = new JsonObject().put("enabled", true);
        if (withCa) {
            tlsSettings.put("caCertificatePem", tls.caPem());
        }
        return new JsonObject().put("host", host).put("port", port).put("tls", tlsSettings);
    }

    static final JsonObject NONE = new JsonObject().put("kind", "none");

    @Test
    void withTheCaItWorksAndTheTestReportsTls() {
        String token = SERVER.register("tls-ok", service("localhost", plainTls.port(), true), NONE);
        assertThat(SERVER.http.command(token, "SET", "tls:key", "secure").body()).isEqualTo("{\"output1\":\"OK\"}");
        assertThat(SERVER.http.command(token, "GET", "tls:key").body()).isEqualTo("{\"output1\":\"secure\"}");
        JsonObject report = SERVER.test("tls-ok");
        assertThat(report.getBoolean("ok")).as(report.encode()).isTrue();
        assertThat(report.getJsonObject("tls").getString("protocol")).startsWith("TLSv1.");
        assertThat(report.getJsonObject("tls").getString("peerSubject")).isEqualTo("CN=localhost");
    }

    @Test
    void withoutTheCaTheHandshakeFailsClearly() {
        String token = SERVER.register("tls-no-ca", service("localhost", plainTls.port(), false), NONE);
        HttpTestClient.Response response = SERVER.http.command(token, "PING");
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.errorCode()).isEqualTo("REDIS_UNAVAILABLE");
        assertThat(response.errorMessage()).startsWith(
                "Could not connect to the Redis service of client 'tls-no-ca': the TLS handshake failed (");
        JsonObject report = SERVER.test("tls-no-ca");
        assertThat(report.getBoolean("ok")).isFalse();
        // the operator is told the cause and the next step
        assertThat(report.getString("message")).contains("TLS handshake failed").contains("signed by a CA the"
                + " connector does not trust; give the service that CA (--tls-ca-file");
    }

    @Test
    void tlsOnOneSideOnlyIsNamed() throws Exception {
        // plain TCP to a TLS port: the server hangs up during the handshake
        SERVER.register("plain-to-tls", new JsonObject().put("host", "localhost").put("port", plainTls.port()), NONE);
        JsonObject plain = SERVER.test("plain-to-tls");
        assertThat(plain.getBoolean("ok")).isFalse();
        assertThat(plain.getString("message")).as(plain.encode()).contains("it may speak TLS on this port; register"
                + " the service with --tls");
        // TLS to a plain port: no handshake ever completes
        try (RedisServerProcess plainRedis = RedisServerProcess.start(List.of(), dir.resolve("plain"))) {
            JsonObject tlsService = service("localhost", plainRedis.port(), true);
            SERVER.register("tls-to-plain", tlsService.put("connectTimeoutMs", 1500), NONE);
            JsonObject report = SERVER.test("tls-to-plain");
            assertThat(report.getBoolean("ok")).isFalse();
            assertThat(report.getString("message")).as(report.encode()).contains("the server does not seem to speak"
                    + " TLS on this port");
        }
    }

    @Test
    void aClientKeyThatIsNotTheCertificatesIsRefusedWhenStored() throws Exception {
        SERVER.ok("PUT", "/v1/admin/clients/mtls-mismatch/service", service("localhost", mutualTls.port(), true));
        String otherKey = Files.readString(dir.resolve("pki").resolve("server.key"));
        HttpTestClient.Response stored = SERVER.admin("PUT", "/v1/admin/clients/mtls-mismatch/credentials",
                new JsonObject().put("kind", "none").put("tlsClient", new JsonObject()
                        .put("certificatePem", tls.clientCertificatePem()).put("keyPem", otherKey)));
        assertThat(stored.status()).as(stored.body()).isEqualTo(400);
        assertThat(stored.errorCode()).isEqualTo("INVALID_REQUEST");
        assertThat(stored.errorMessage()).startsWith("the TLS client key does not belong to the client certificate");
        assertThat(stored.body()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIsRefused() {
        String token = SERVER.register("tls-wrong-name", service("127.0.0.1", plainTls.port(), true), NONE);
        HttpTestClient.Response response = SERVER.http.command(token, "PING");
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.errorCode()).isEqualTo("REDIS_UNAVAILABLE");
        assertThat(response.errorMessage()).contains("TLS handshake failed").containsIgnoringCase("127.0.0.1");
        // an operator who accepts that risk can turn host name verification off
        JsonObject lax = service("127.0.0.1", plainTls.port(), true);
        lax.getJsonObject("tls").put("verifyHostname", false);
        String laxToken = SERVER.register("tls-no-verify", lax, NONE);
        assertThat(SERVER.http.command(laxToken, "PING").body()).isEqualTo("{\"output1\":\"PONG\"}");
    }

    @Test
    void mutualTlsNeedsTheClientCertificate() {
        String without = SERVER.register("mtls-without", service("localhost", mutualTls.port(), true), NONE);
        HttpTestClient.Response refused = SERVER.http.command(without, "PING");
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.errorCode()).isEqualTo("REDIS_UNAVAILABLE");

        JsonObject withCertificate = new JsonObject().put("kind", "none").put("tlsClient", new JsonObject()
                .put("certificatePem", tls.clientCertificatePem()).put("keyPem", tls.clientKeyPem()));
        String with = SERVER.register("mtls-with", service("localhost", mutualTls.port(), true), withCertificate);
        assertThat(SERVER.http.command(with, "PING").body()).isEqualTo("{\"output1\":\"PONG\"}");
        JsonObject shown = SERVER.ok("GET", "/v1/admin/clients/mtls-with/service", null);
        assertThat(shown.getJsonObject("credentials").getBoolean("tlsClientCertificate")).isTrue();
        assertThat(shown.encode()).doesNotContain("PRIVATE KEY");
        assertThat(SERVER.test("mtls-with").getBoolean("ok")).isTrue();
    }
}
