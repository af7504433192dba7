package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official {@code @upstash/redis} SDK (from npm, pinned in tests/upstash-sdk/package.json) against a running
 * connector: set/get, JSON values, base64 response encoding, pipeline, multi-exec, a map reply, a double, a command
 * error, a policy refusal, an unknown token and a subscription. Needs Node.js and npm (scripts/test installs them).
 */
class UpstashSdkIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().client("sdk", REDIS).build();
    static String token;

    @BeforeAll
    static void start() {
        token = SERVER.token("sdk");
    }

    @Test
    void officialSdkWorksAgainstTheConnector() throws Exception {
        Path project = Path.of("..", "tests", "upstash-sdk").toAbsolutePath().normalize();
        if (!Files.isDirectory(project.resolve("node_modules").resolve("@upstash").resolve("redis"))) {
            run(project, List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock"), 300);
        }
        ProcessBuilder builder = new ProcessBuilder("node", "check.mjs").directory(project.toFile())
                .redirectErrorStream(true);
        builder.environment().put("RC_URL", "http://127.0.0.1:" + SERVER.server.port() + "/upstash");
        builder.environment().put("RC_TOKEN", token);
        Process check = builder.start();
        check.getOutputStream().close();
        boolean done = check.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            check.destroyForcibly();
        }
        String output = new String(check.getInputStream().readAllBytes());
        System.out.println(output);
        assertThat(done).as("the SDK check finished within 120 s").isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("all checks passed");
        assertThat(REDIS.server().call("GET", "sdk:t")).isEqualTo("ab");
    }

    private static void run(Path directory, List<String> command, int seconds) throws IOException,
            InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": Node.js and npm are needed for"
                    + " this test (scripts/test installs them)", e);
        }
        boolean done = process.waitFor(seconds, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(done).as(String.join(" ", command) + " finished within " + seconds + " s").isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
    }
}
