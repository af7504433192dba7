package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JavaScript client in {@code clients/js}, tested by its own suite ({@code node --test}, Node's built-in runner)
 * against this running server: the platform docs' snippet verbatim, replies, errors, read-only sessions, another
 * tenant, pipeline, transaction, base64, timeouts and aborts, subscriptions, and its error codes against
 * {@code /openapi.json}. Needs Node.js 18 or later (scripts/test installs it); the client has no dependencies, so
 * nothing is downloaded.
 */
class JsClientIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    @Test
    void theClientsOwnSuitePassesAgainstTheServer() throws Exception {
        String token = SERVER.register("js", REDIS);
        String readOnly = SERVER.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "reader")
                .put("clientId", "js").put("readOnly", true)).getString("token");
        String other = SERVER.register("js-other", new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port())
                .put("database", 1), new JsonObject().put("kind", "none"));
        Path project = Path.of("..", "clients", "js").toAbsolutePath().normalize();
        assertThat(Files.isRegularFile(project.resolve("package.json"))).as(project + " holds the client").isTrue();
        ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=spec", "test/")
                .directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("REDIS_CONNECTOR_URL", "http://127.0.0.1:" + SERVER.server.port());
        builder.environment().put("REDIS_CONNECTOR_TOKEN", token);
        builder.environment().put("RC_READONLY_TOKEN", readOnly);
        builder.environment().put("RC_OTHER_TOKEN", other);
        Process run;
        try {
            run = builder.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run node: Node.js 18+ is needed for this test (scripts/test"
                    + " installs it)", e);
        }
        run.getOutputStream().close();
        boolean done = run.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            run.destroyForcibly();
        }
        String output = new String(run.getInputStream().readAllBytes());
        System.out.println(output);
        assertThat(done).as("the client's suite finished within 120 s").isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("(?m)^\\S+ fail 0$").containsPattern("(?m)^\\S+ pass [1-9]");
        // what the snippet wrote is in Redis, seen without the connector
        assertThat(REDIS.server().call("GET", "order:12345")).isEqualTo("delivered");
    }
}
