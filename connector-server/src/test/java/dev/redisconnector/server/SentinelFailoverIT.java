package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerProcess;
import dev.redisconnector.testing.RedisTopologies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer under steady load through a Sentinel failover, manual and after a killed master: every write the
 * connector acknowledged is on the new master afterwards, and the writes that failed in between failed clearly.
 */
class SentinelFailoverIT {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    static String register(String clientId, RedisTopologies.Sentinels sentinels) {
        JsonArray nodes = new JsonArray();
        sentinels.sentinels().forEach(s -> nodes.add("127.0.0.1:" + s.port()));
        return SERVER.register(clientId, new JsonObject().put("mode", "sentinel").put("masterName", "mymaster")
                .put("nodes", nodes), new JsonObject().put("kind", "none"));
    }

    /** What a writer saw: acknowledged keys, and each failure's time (ms from start) and code. */
    record Run(List<String> acknowledged, Map<Long, String> failures, long switchedAtMs) {
        String window() {
            if (failures.isEmpty()) {
                return "no failed writes";
            }
            long first = ((TreeMap<Long, String>) failures).firstKey();
            long last = ((TreeMap<Long, String>) failures).lastKey();
            return failures.size() + " writes failed between " + first + " ms and " + last + " ms (" + (last - first)
                    + " ms window), codes " + new TreeSet<>(failures.values());
        }
    }

    /**
     * Writes {@code prefix:N} every 20 ms (at most 40 s); {@code fault} runs after 2 s. Returns once the new master
     * has taken 50 writes.
     */
    static Run writeThrough(String token, String prefix, Runnable fault, RedisServerProcess promoted)
            throws Exception {
        List<String> acknowledged = new ArrayList<>();
        Map<Long, String> failures = new TreeMap<>();
        AtomicBoolean faulted = new AtomicBoolean();
        long started = System.nanoTime();
        long switchedAt = -1;
        int okAfterSwitch = 0;
        for (int i = 0; System.nanoTime() - started < Duration.ofSeconds(40).toNanos(); i++) {
            long at = (System.nanoTime() - started) / 1_000_000;
            if (at > 2000 && faulted.compareAndSet(false, true)) {
                fault.run();
            }
            String key = prefix + ":" + i;
            HttpTestClient.Response response = SERVER.http.command(token, "SET", key, Integer.toString(i));
            if (response.status() == 200) {
                assertThat(response.body()).isEqualTo("{\"output1\":\"OK\"}");
                acknowledged.add(key);
                if (faulted.get() && promoted.call("ROLE").startsWith("master")) {
                    switchedAt = switchedAt < 0 ? at : switchedAt;
                    if (++okAfterSwitch >= 50) {
                        break;
                    }
                }
            } else {
                // a failure is clear: a code a client can act on, never a 500
                assertThat(response.errorCode()).as(response.body()).isIn("REDIS_UNAVAILABLE", "TIMEOUT",
                        "REDIS_ERROR");
                failures.put(at, response.errorCode());
            }
            Thread.sleep(20);
        }
        assertThat(okAfterSwitch).as("writes succeed on the new master without a restart").isGreaterThanOrEqualTo(50);
        return new Run(acknowledged, failures, switchedAt);
    }

    static void assertEveryAcknowledgedWriteIsOn(RedisServerProcess master, Run run) {
        List<String> missing = new ArrayList<>();
        for (String key : run.acknowledged()) {
            String value = master.call("GET", key);
            if (value.equals("(nil)")) {
                missing.add(key);
            }
        }
        System.out.printf("%d acknowledged writes, %s; writes on the new master from %d ms%n",
                run.acknowledged().size(), run.window(), run.switchedAtMs());
        assertThat(missing).as("acknowledged writes lost").isEmpty();
    }

    @Test
    void aManualFailoverLosesNoAcknowledgedWrite() throws Exception {
        try (RedisTopologies.Sentinels sentinels = RedisTopologies.sentinels(dir.resolve("manual"), "mymaster")) {
            String token = register("fo-manual", sentinels);
            Run run = writeThrough(token, "manual", () -> assertThat(sentinels.sentinels().getFirst()
                    .call("SENTINEL", "FAILOVER", "mymaster")).isEqualTo("+OK"), sentinels.replica());
            // the old master is demoted and resyncs from the new one: whatever it took alone would vanish now
            RedisTopologies.await(() -> sentinels.master().call("ROLE").startsWith("slave")
                    && sentinels.master().call("INFO", "replication").contains("master_link_status:up"),
                    "the old master follows the new one");
            assertEveryAcknowledgedWriteIsOn(sentinels.replica(), run);
            assertEveryAcknowledgedWriteIsOn(sentinels.master(), run);
        }
    }

    @Test
    void aKilledMasterLosesNoAcknowledgedWrite() throws Exception {
        try (RedisTopologies.Sentinels sentinels = RedisTopologies.sentinels(dir.resolve("killed"), "mymaster")) {
            String token = register("fo-killed", sentinels);
            Run run = writeThrough(token, "killed", () -> sentinels.master().kill(), sentinels.replica());
            assertThat(run.failures()).as("writes fail while no master answers").isNotEmpty();
            assertEveryAcknowledgedWriteIsOn(sentinels.replica(), run);
        }
    }
}
