package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.server.cli.ExitCodes;
import dev.redisconnector.server.cli.Main;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against the registry directly and against a running server's admin API. */
class CliIT {

    static final String ADMIN = "cli-admin-token-0123456789abcdef";

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().password("cli-pw").build();

    @TempDir
    static Path dir;

    static Path directConfig;
    static Path serverConfig;
    static ConnectorServer server;

    record Result(int exitCode, String out, String err) {
        JsonObject json() {
            return new JsonObject(out);
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        directConfig = dir.resolve("direct.properties");
        Files.writeString(directConfig, "RC_DATA_DIR=" + dir.resolve("direct-data") + "\nRC_ALLOW_LOOPBACK=true\n");
        Path serverData = dir.resolve("server-data");
        server = ConnectorServer.start(ServerConfig.load(Map.of("RC_PORT", "0", "RC_ALLOW_LOOPBACK", "true",
                "RC_DATA_DIR", serverData.toString(),
                "RC_ADMIN_TOKEN", ADMIN), null));
        serverConfig = dir.resolve("server.properties");
        Files.writeString(serverConfig, "RC_ADMIN_TOKEN=" + ADMIN + "\nRC_DATA_DIR=" + dir.resolve("unused") + "\n");
    }

    @AfterAll
    static void tearDown() {
        server.close();
    }

    static synchronized Result cli(String stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            int code = Main.run(args);
            return new Result(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    static String[] direct(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = directConfig.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    static String[] viaServer(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--config";
        all[1] = serverConfig.toString();
        all[2] = "--server";
        all[3] = "http://127.0.0.1:" + server.port();
        System.arraycopy(args, 0, all, 4, args.length);
        return all;
    }

    @Test
    void directRegistryFlow() {
        Result set = cli(null, direct("service", "set", "acme", "--host", "127.0.0.1", "--port",
                Integer.toString(REDIS.port())));
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.json().getString("clientId")).isEqualTo("acme");

        Result creds = cli("cli-pw\n", direct("credentials", "set", "acme", "--password-stdin"));
        assertThat(creds.exitCode()).as(creds.err()).isZero();
        assertThat(creds.out()).doesNotContain("cli-pw");

        Result test = cli(null, direct("service", "test", "acme"));
        assertThat(test.exitCode()).as(test.out() + test.err()).isZero();
        assertThat(test.json().getBoolean("ok")).isTrue();

        // the ACL line confining the service's user: direct and through the server alike
        Result acl = cli(null, direct("service", "acl", "acme"));
        assertThat(acl.exitCode()).as(acl.err()).isZero();
        assertThat(acl.json().getString("aclSetUser")).startsWith("ACL SETUSER acme reset on >PASSWORD ~* &* -@all ")
                .contains(" +get ").doesNotContain("+flushall");
        assertThat(acl.json().getBoolean("confined")).isFalse();
        assertThat(acl.out()).doesNotContain("cli-pw");

        // a partial update keeps the rest and says what changed
        Result update = cli(null, direct("service", "update", "acme", "--policy", "read-only", "--key-prefix",
                "acme:"));
        assertThat(update.exitCode()).as(update.err()).isZero();
        assertThat(update.json().getJsonObject("changed").fieldNames())
                .containsExactlyInAnyOrder("policy.mode", "policy.keyPrefixes");
        assertThat(update.json().getJsonObject("credentials").getString("kind")).isEqualTo("password");
        assertThat(cli(null, direct("service", "update", "acme")).exitCode()).isEqualTo(ExitCodes.USAGE);

        Result get = cli(null, direct("service", "get", "acme"));
        assertThat(get.out()).contains("\"kind\" : \"password\"").doesNotContain("cli-pw");

        Result session = cli(null, direct("session", "create", "--user", "alice", "--client", "acme"));
        assertThat(session.json().getString("token")).startsWith("rcs_");
        Result list = cli(null, direct("session", "list", "--client", "acme"));
        assertThat(list.out()).doesNotContain(session.json().getString("token"));
        String sessionId = session.json().getJsonObject("session").getString("sessionId");
        assertThat(cli(null, direct("session", "revoke", sessionId)).exitCode()).isZero();
        assertThat(cli(null, direct("session", "revoke", sessionId)).exitCode()).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void auditShowsWhoRanWhatWithoutValues() {
        Result set = cli(null, viaServer("service", "set", "audited", "--host", "127.0.0.1", "--port",
                Integer.toString(REDIS.port())));
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(cli("cli-pw\n", viaServer("credentials", "set", "audited", "--password-stdin")).exitCode())
                .isZero();
        String token = cli(null, viaServer("session", "create", "--user", "auditor", "--client", "audited")).json()
                .getString("token");
        Result acl = cli(null, viaServer("service", "acl", "audited"));
        assertThat(acl.exitCode()).as(acl.err()).isZero();
        assertThat(acl.json().getString("aclSetUser")).startsWith("ACL SETUSER audited reset on >PASSWORD");
        HttpTestClient http = new HttpTestClient(server.port());
        assertThat(http.command(token, "SET", "audit:k", "very-secret-value").status()).isEqualTo(200);
        assertThat(http.command(token, "CONFIG", "GET", "*").status()).isEqualTo(403);
        Result audit = cli(null, viaServer("audit", "--client", "audited", "--since", "1h"));
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("\"command\" : \"SET\"").contains("\"userId\" : \"auditor\"")
                .contains("COMMAND_NOT_ALLOWED").doesNotContain("very-secret-value");
        Result refused = cli(null, viaServer("audit", "--client", "audited", "--outcome", "COMMAND_NOT_ALLOWED"));
        assertThat(refused.json().getJsonArray("entries")).hasSize(1);
        assertThat(cli(null, viaServer("audit", "--since", "whenever")).exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void failuresHaveScriptableExitCodes() {
        assertThat(cli(null, direct("service", "get", "missing")).exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(cli(null, direct("service", "set", "x")).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli(null, direct("service", "set", "bad id", "--host", "h")).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli(null, direct("credentials", "set", "acme", "--password-stdin")).exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(cli(null, "--config", serverConfig.toString(), "--server", "http://127.0.0.1:1", "service", "list")
                .exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli(null, direct("nonsense")).exitCode()).isEqualTo(ExitCodes.USAGE);
        Result help = cli(null, "service", "set", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--host");
    }

    @Test
    void theCliGuidesInsteadOfSurprising() throws Exception {
        // no registry is ever created outside serve: say which one would be used and how to reach a server
        boolean hadData = Files.exists(Path.of("data"));
        Result nowhere = cli(null, "service", "list");
        if (!Files.exists(Path.of("data", "registry.mv.db"))) {
            assertThat(nowhere.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(nowhere.err()).contains("there is no registry here").contains("--server http://HOST:8080");
            assertThat(Files.exists(Path.of("data"))).as("nothing created").isEqualTo(hadData);
        }
        // --server anywhere on the line, and checked
        String url = "http://127.0.0.1:" + server.port();
        Result after = cli(null, "--config", serverConfig.toString(), "service", "list", "--server", url);
        assertThat(after.exitCode()).as(after.err()).isZero();
        Result noScheme = cli(null, "--config", serverConfig.toString(), "--server", "127.0.0.1:" + server.port(),
                "service", "list");
        assertThat(noScheme.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noScheme.err()).contains("--server needs a URL with its scheme, e.g. http://127.0.0.1:");
        Result noToken = cli(null, "--server", url, "service", "list");
        assertThat(noToken.err()).contains("set RC_ADMIN_TOKEN");
        // a session for a client without a service fails like service get does
        Result orphan = cli(null, viaServer("session", "create", "--user", "u", "--client", "nosuch"));
        assertThat(orphan.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(orphan.err()).contains("No Redis service exists for client 'nosuch'");
        // a missing file: its path, exit 2, no class names
        Result missing = cli(null, viaServer("service", "set", "x", "--host", "h", "--tls-ca-file",
                "/nonexistent/ca.pem"));
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err().strip()).isEqualTo("error: no such file: /nonexistent/ca.pem");
        // -q: only the token
        cli(null, viaServer("service", "set", "quiet", "--host", "127.0.0.1", "--port", Integer.toString(REDIS.port())));
        assertThat(cli(null, viaServer("credentials", "set", "quiet", "--none")).exitCode()).isZero();
        Result quiet = cli(null, viaServer("session", "create", "--user", "q", "--client", "quiet", "-q"));
        assertThat(quiet.exitCode()).as(quiet.err()).isZero();
        assertThat(quiet.out().strip()).matches("rcs_[A-Za-z0-9_-]+");
    }

    @Test
    void throughTheAdminApiAndExec() {
        Result set = cli(null, viaServer("service", "set", "globex", "--host", "127.0.0.1", "--port",
                Integer.toString(REDIS.port())));
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(cli("cli-pw\n", viaServer("credentials", "set", "globex", "--password-stdin")).exitCode())
                .isZero();
        Result session = cli(null, viaServer("session", "create", "--user", "bob", "--client", "globex"));
        String token = session.json().getString("token");

        Result exec = cli(token + "\n", "exec", "--url", "http://127.0.0.1:" + server.port(), "--token-stdin",
                "SET", "cli:key", "hello");
        assertThat(exec.exitCode()).as(exec.err()).isZero();
        assertThat(exec.out().strip()).isEqualTo("\"OK\"");
        assertThat(REDIS.server().call("GET", "cli:key")).isEqualTo("hello");

        Result wrongType = cli(token + "\n", "exec", "--url", "http://127.0.0.1:" + server.port(), "--token-stdin",
                "LPUSH", "cli:key", "x");
        assertThat(wrongType.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(wrongType.err()).contains("WRONGTYPE");

        // without a command: a prompt, one redis-cli-quoted command per line
        Result prompt = cli(token + "\nSET 'prompt key' \"two words\"\n\nGET 'prompt key'\nquit\nGET never\n",
                "exec", "--url", "http://127.0.0.1:" + server.port(), "--token-stdin");
        assertThat(prompt.exitCode()).as(prompt.err()).isZero();
        assertThat(prompt.out().lines().toList()).containsExactly("\"OK\"", "\"two words\"");

        Result badToken = cli("rcs_nope\n", "exec", "--url", "http://127.0.0.1:" + server.port(), "--token-stdin",
                "PING");
        assertThat(badToken.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);

        Result noAdmin = cli(null, "--server", "http://127.0.0.1:" + server.port(), "--config",
                directConfig.toString(), "service", "list");
        assertThat(noAdmin.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noAdmin.err()).contains("set RC_ADMIN_TOKEN");
        Path wrongToken = dir.resolve("wrong-token.properties");
        try {
            Files.writeString(wrongToken, "RC_ADMIN_TOKEN=not-the-admin-token-0123456789\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Result wrongAdmin = cli(null, "--server", "http://127.0.0.1:" + server.port(), "--config",
                wrongToken.toString(), "service", "list");
        assertThat(wrongAdmin.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(wrongAdmin.err()).contains("The admin token is not the server's");
    }
}
