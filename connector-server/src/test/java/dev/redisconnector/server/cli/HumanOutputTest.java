package dev.redisconnector.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.server.admin.AdminJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** What a person at a terminal sees: lists as aligned tables, objects as dotted key lines. */
class HumanOutputTest {

    private static String render(JsonObject json) {
        try {
            return HumanOutput.render(AdminJson.MAPPER.readTree(json.encode()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void listsBecomeTables() {
        JsonObject services = new JsonObject().put("services", new JsonArray()
                .add(new JsonObject().put("clientId", "acme").put("mode", "standalone").put("host", "10.0.0.5")
                        .put("port", 6379).put("database", 2).put("policy", new JsonObject().put("mode", "read-only"))
                        .put("credentials", new JsonObject().put("kind", "password")))
                .add(new JsonObject().put("clientId", "globex-corporation").put("mode", "cluster")
                        .put("host", "n1").put("port", 7000).put("database", 0)
                        .put("policy", new JsonObject().put("mode", "read-write")).putNull("credentials")));
        assertThat(render(services)).isEqualTo(String.join("\n",
                "clientId            mode        host      port  database  policy.mode  credentials.kind",
                "acme                standalone  10.0.0.5  6379  2         read-only    password",
                "globex-corporation  cluster     n1        7000  0         read-write   -"));
        assertThat(render(new JsonObject().put("sessions", new JsonArray()))).isEqualTo("(no sessions)");
    }

    @Test
    void objectsBecomeKeyLines() {
        JsonObject report = new JsonObject().put("ok", false).put("code", "REDIS_UNAVAILABLE")
                .put("tls", new JsonObject().put("protocol", "TLSv1.3")).put("sentinels", new JsonArray().add("a")
                        .add("b"));
        assertThat(render(report)).isEqualTo(String.join("\n",
                "ok:           false",
                "code:         REDIS_UNAVAILABLE",
                "tls.protocol: TLSv1.3",
                "sentinels:    a, b"));
    }
}
