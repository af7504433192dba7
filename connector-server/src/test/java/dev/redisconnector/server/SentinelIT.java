package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisTopologies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A master, a replica and three sentinels; a failover is followed without restarting anything. */
class SentinelIT {

    @TempDir
    static Path dir;

    static RedisTopologies.Sentinels sentinels;
    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    @BeforeAll
    static void start() {
        sentinels = RedisTopologies.sentinels(dir.resolve("redis"), "mymaster");
    }

    @AfterAll
    static void stop() {
        sentinels.close();
    }

    static JsonObject service() {
        JsonArray nodes = new JsonArray();
        sentinels.sentinels().forEach(s -> nodes.add("127.0.0.1:" + s.port()));
        return new JsonObject().put("mode", "sentinel").put("masterName", "mymaster").put("nodes", nodes);
    }

    @Test
    void writesFollowTheMasterThroughAFailover() throws Exception {
        String token = SERVER.register("sentinel", service(), new JsonObject().put("kind", "none"));
        assertThat(SERVER.http.command(token, "SET", "failover:key", "before").body())
                .isEqualTo("{\"output1\":\"OK\"}");
        assertThat(sentinels.master().call("GET", "failover:key")).isEqualTo("before");
        JsonObject report = SERVER.test("sentinel");
        assertThat(report.getBoolean("ok")).as(report.encode()).isTrue();
        assertThat(report.getString("currentMaster")).isEqualTo("127.0.0.1:" + sentinels.master().port());
        assertThat(report.getString("role")).isEqualTo("master");
        assertThat(report.getString("mode")).isEqualTo("sentinel");
        assertThat(report.getInteger("port")).isEqualTo(sentinels.master().port());
        assertThat(report.getJsonArray("sentinels")).hasSize(3).allSatisfy(answer -> assertThat((String) answer)
                .endsWith(" -> 127.0.0.1:" + sentinels.master().port()));

        assertThat(sentinels.sentinels().getFirst().call("SENTINEL", "FAILOVER", "mymaster")).isEqualTo("+OK");
        long started = System.nanoTime();
        String body = "";
        while (System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
            HttpTestClient.Response response = SERVER.http.command(token, "SET", "failover:key", "after");
            body = response.body();
            if (response.status() == 200 && sentinels.replica().call("ROLE").startsWith("master")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(body).isEqualTo("{\"output1\":\"OK\"}");
        assertThat(sentinels.replica().call("ROLE")).startsWith("master");
        assertThat(sentinels.replica().call("GET", "failover:key")).isEqualTo("after");
        RedisTopologies.await(() -> SERVER.test("sentinel").getString("currentMaster")
                .equals("127.0.0.1:" + sentinels.replica().port()), "sentinels report the promoted replica");
    }

    @Test
    void anUnknownMasterNameSaysSo() {
        JsonObject wrong = service().put("masterName", "no-such-master");
        String token = SERVER.register("sentinel-wrong", wrong, new JsonObject().put("kind", "none"));
        HttpTestClient.Response response = SERVER.http.command(token, "PING");
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.errorCode()).isEqualTo("REDIS_UNAVAILABLE");
        JsonObject report = SERVER.test("sentinel-wrong");
        assertThat(report.getBoolean("ok")).isFalse();
    }
}
