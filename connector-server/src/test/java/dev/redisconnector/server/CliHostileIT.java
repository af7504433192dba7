package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.server.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Random command lines: the CLI always ends with a documented exit code and never prints a stack trace. */
class CliHostileIT {

    static Path config;

    @BeforeContainer
    static void setUp() throws IOException {
        Path dir = Files.createTempDirectory("cli-hostile");
        config = dir.resolve("cli.properties");
        Files.writeString(config, "RC_DATA_DIR=" + dir.resolve("data") + "\nRC_CONNECT_TIMEOUT_MS=500\n"
                + "RC_COMMAND_TIMEOUT_MS=500\n");
    }

    @Provide
    Arbitrary<List<String>> commandLines() {
        Arbitrary<String> words = Arbitraries.oneOf(
                Arbitraries.of("service", "set", "get", "list", "delete", "test", "import", "credentials", "session",
                        "create", "revoke", "audit", "keygen", "exec", "--host", "--port", "--db", "--mode", "--node",
                        "--tls", "--policy", "--allow", "--deny", "--key-prefix", "--client", "--user", "--since",
                        "--limit", "--ttl-seconds", "--password-stdin", "--none", "--help", "--version", "--server",
                        "--url", "acme", "bad id", "-1", "99999999999", "0", "http://127.0.0.1:1", "sentinel",
                        "cluster", "read-only", "@admin", "1h", "soon"),
                Arbitraries.strings().all().ofMaxLength(40));
        return words.list().ofMaxSize(8);
    }

    @Property(tries = 200)
    void alwaysADocumentedExitCode(@ForAll("commandLines") List<String> words) {
        if (words.contains("serve") || words.stream().anyMatch(word -> word.indexOf('\u0000') >= 0)) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(words);
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            PrintStream sink = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(sink);
            System.setErr(sink);
            System.setIn(new ByteArrayInputStream(new byte[0]));
            code = Main.run(args.toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(words + " -> " + output).isBetween(0, 4);
        assertThat(output).as(words.toString()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }
}
