package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.TlsFiles;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Drives every error path with a known password and client certificate, then scans logs, responses, metrics, the
 * audit trail and every table of the registry database for the plaintext: none. Changing a service's host never
 * sends the old password to the new host.
 */
class SecretsIT {

    static final String PASSWORD = "Pl41nt3xt-Secret-" + Long.toHexString(System.nanoTime());

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().password(PASSWORD)
            .aclUser("app", PASSWORD, "~* +@all -@dangerous").build();

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder()
            .setting("RC_CONNECT_TIMEOUT_MS", "1000")
            .setting("RC_COMMAND_TIMEOUT_MS", "1000").build();
    static ListAppender<ILoggingEvent> logs;
    static final List<String> seen = new ArrayList<>();

    @BeforeAll
    static void start() {
        logs = new ListAppender<>();
        logs.start();
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    @AfterAll
    static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    static HttpTestClient.Response keep(HttpTestClient.Response response) {
        seen.add(response.status() + " " + response.headers().map() + " " + response.body());
        return response;
    }

    static JsonObject credentials(String password) {
        return new JsonObject().put("kind", "password").put("username", "app").put("password", password);
    }

    @Test
    void noPlaintextSecretAnywhere() throws Exception {
        TlsFiles tls = TlsFiles.generate(dir.resolve("tls"));
        String clientKey = tls.clientKeyPem();
        String keyBody = clientKey.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
        JsonObject service = new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port());

        // good credentials, then wrong ones, then every kind of failure
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/service", service));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/credentials", credentials(PASSWORD)));
        String token = SERVER.session("sec");
        keep(SERVER.http.command(token, "SET", "k", "v"));
        keep(SERVER.http.command(token, "LPUSH", "k", "x"));
        keep(SERVER.http.command(token, "AUTH", "app", PASSWORD));
        keep(SERVER.http.command(token, "CONFIG", "GET", "requirepass"));
        keep(SERVER.http.command(token, "ACL", "GETUSER", "app"));
        keep(SERVER.http.send("POST", "/v1/redis/pipeline", token, "{\"inputs\":{\"commands\":[{\"command\":"
                + "\"AUTH\",\"args\":[\"" + PASSWORD + "\"]},{\"command\":\"HELLO\",\"args\":[3,\"AUTH\",\"app\",\""
                + PASSWORD + "\"]}]}}"));
        keep(SERVER.http.send("POST", "/v1/redis/transaction", token, "{\"inputs\":{\"commands\":[{\"command\":"
                + "\"AUTH\",\"args\":[\"" + PASSWORD + "\"]}]}}"));
        keep(SERVER.http.send("POST", "/upstash", token, "[\"AUTH\", \"" + PASSWORD + "\"]"));
        keep(SERVER.admin("POST", "/v1/admin/clients/sec/test", null));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/credentials", credentials(PASSWORD + "-wrong")));
        keep(SERVER.http.command(token, "GET", "k"));
        keep(SERVER.admin("POST", "/v1/admin/clients/sec/test", null));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/credentials", credentials(PASSWORD)));
        keep(SERVER.admin("GET", "/v1/admin/clients/sec/service", null));
        keep(SERVER.admin("GET", "/v1/admin/clients", null));
        // TLS with a client certificate against a server that does not speak TLS
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec-tls/service", service.copy().put("tls", true)));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec-tls/credentials", credentials(PASSWORD)
                .put("tlsClient", new JsonObject().put("certificatePem", tls.clientCertificatePem())
                        .put("keyPem", clientKey))));
        keep(SERVER.http.command(SERVER.session("sec-tls"), "GET", "k"));
        keep(SERVER.admin("POST", "/v1/admin/clients/sec-tls/test", null));
        keep(SERVER.admin("GET", "/v1/admin/clients/sec-tls/service", null));
        // malformed credential input echoes nothing back
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/credentials", new JsonObject().put("kind", "password")
                .put("password", PASSWORD).put("unknownField", PASSWORD)));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/credentials", new JsonObject().put("kind", PASSWORD)));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/service", new JsonObject().put("url", "redis://app:"
                + PASSWORD + "@127.0.0.1:1/0")));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec/service", new JsonObject().put("url", "redis://app:"
                + PASSWORD + "@bad host:x/0")));
        keep(SERVER.http.command(token, "GET", "k"));
        // an unreachable host
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec-gone/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", 1)));
        keep(SERVER.admin("PUT", "/v1/admin/clients/sec-gone/credentials", credentials(PASSWORD)));
        keep(SERVER.http.command(SERVER.session("sec-gone"), "GET", "k"));

        keep(SERVER.http.send("GET", "/metrics", null, (String) null));
        keep(SERVER.admin("GET", "/v1/admin/audit?limit=1000", null));
        keep(SERVER.admin("GET", "/v1/admin/sessions?limit=1000", null));

        List<String> forbidden = List.of(PASSWORD, keyBody);
        for (String text : seen) {
            for (String secret : forbidden) {
                assertThat(text).as("an HTTP response").doesNotContain(secret);
            }
        }
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            String line = event.getFormattedMessage() + " " + event.getMDCPropertyMap()
                    + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage());
            for (String secret : forbidden) {
                assertThat(line).as("a log line").doesNotContain(secret);
            }
        }
        assertThat(logs.list).as("logs were captured").isNotEmpty();
        for (String row : everyDatabaseValue()) {
            for (String secret : forbidden) {
                assertThat(row).as("a registry row").doesNotContain(secret);
            }
        }
    }

    /** Every value of every table of the registry, as text. */
    static List<String> everyDatabaseValue() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = SERVER.server.registry().dataSource().getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet found = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
                while (found.next()) {
                    String schema = found.getString("TABLE_SCHEM");
                    if (schema == null || !schema.equalsIgnoreCase("INFORMATION_SCHEMA")) {
                        tables.add((schema == null ? "" : "\"" + schema + "\".") + "\"" + found.getString("TABLE_NAME")
                                + "\"");
                    }
                }
            }
            assertThat(tables).anySatisfy(table -> assertThat(table.toLowerCase()).contains("credential"));
            for (String table : tables) {
                try (Statement statement = connection.createStatement();
                     ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = result.getMetaData().getColumnCount();
                    while (result.next()) {
                        StringBuilder row = new StringBuilder(table).append(':');
                        for (int i = 1; i <= columns; i++) {
                            Object value = result.getObject(i);
                            row.append(' ').append(value instanceof byte[] bytes
                                    ? new String(bytes, StandardCharsets.ISO_8859_1) : value);
                        }
                        rows.add(row.toString());
                    }
                }
            }
        }
        return rows;
    }

    @Test
    void aNewHostNeverReceivesTheOldPassword() throws Exception {
        keep(SERVER.admin("PUT", "/v1/admin/clients/mover/service", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port())));
        keep(SERVER.admin("PUT", "/v1/admin/clients/mover/credentials", credentials(PASSWORD)));
        String token = SERVER.session("mover");
        assertThat(SERVER.http.command(token, "PING").status()).isEqualTo(200);
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (Socket socket = listener.accept(); InputStream in = socket.getInputStream()) {
                    socket.setSoTimeout(1500);
                    byte[] buffer = new byte[4096];
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        synchronized (received) {
                            received.write(buffer, 0, read);
                        }
                    }
                } catch (IOException ignored) {
                    // timeout or close: done
                }
            });
            JsonObject moved = SERVER.ok("PUT", "/v1/admin/clients/mover/service", new JsonObject()
                    .put("host", "127.0.0.1").put("port", listener.getLocalPort()));
            assertThat(moved.getString("warning")).contains("credentials");
            HttpTestClient.Response after = SERVER.http.command(token, "PING");
            assertThat(after.errorCode()).isEqualTo("NO_CREDENTIALS");
            reader.join(3000);
            synchronized (received) {
                assertThat(received.toString(StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
            }
        }
    }
}
