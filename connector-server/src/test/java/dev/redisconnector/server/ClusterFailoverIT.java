package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerProcess;
import dev.redisconnector.testing.RedisTopologies;
import dev.redisconnector.testing.RespConnection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis Cluster service (three masters, each with a replica, node timeout 2 s) under steady writes through the
 * connector; one master is killed (SIGKILL) and its replica takes over. Writes to its slots fail clearly while no
 * master answers for them and succeed again without restarting anything; every acknowledged write is in the cluster
 * afterwards. The window is printed (docs/SCALING.md), not asserted as a timing.
 */
class ClusterFailoverIT {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    static final int NODE_TIMEOUT_MS = 2000;

    @Test
    void aKilledMasterIsReplacedUnderLoadWithNoAcknowledgedWriteLost() throws Exception {
        try (RedisTopologies.Cluster cluster = RedisTopologies.clusterWithReplicas(dir.resolve("cluster"),
                NODE_TIMEOUT_MS)) {
            JsonArray seeds = new JsonArray();
            cluster.nodes().forEach(node -> seeds.add("127.0.0.1:" + node.port()));
            String token = SERVER.register("cluster-fo", new JsonObject().put("mode", "cluster").put("nodes", seeds),
                    new JsonObject().put("kind", "none"));
            RedisServerProcess victim = cluster.nodes().stream().filter(n -> n.call("ROLE").startsWith("master"))
                    .findFirst().orElseThrow();
            List<String> acknowledged = new ArrayList<>();
            TreeMap<Long, String> failures = new TreeMap<>();
            long started = System.nanoTime();
            long killedAt = -1;
            long recoveredAt = -1;
            int okAfterRecovery = 0;
            for (int i = 0; System.nanoTime() - started < 60_000_000_000L; i++) {
                long at = (System.nanoTime() - started) / 1_000_000;
                if (killedAt < 0 && at > 2000) {
                    victim.kill();
                    killedAt = at;
                }
                String key = "cf:" + i;
                HttpTestClient.Response response = SERVER.http.command(token, "SET", key, Integer.toString(i));
                if (response.status() == 200) {
                    acknowledged.add(key);
                    if (killedAt >= 0 && !failures.isEmpty() && failures.lastKey() > killedAt) {
                        recoveredAt = recoveredAt < 0 ? at : recoveredAt;
                        if (++okAfterRecovery >= 150) {
                            break;
                        }
                    }
                } else {
                    assertThat(response.errorCode()).as(response.body()).isIn("REDIS_UNAVAILABLE", "TIMEOUT",
                            "REDIS_ERROR");
                    failures.put(at, response.errorCode());
                    okAfterRecovery = 0;
                    recoveredAt = -1;
                }
                Thread.sleep(20);
            }
            assertThat(failures).as("writes to the dead master's slots fail while it is down").isNotEmpty();
            assertThat(okAfterRecovery).as("writes to every slot succeed again without a restart")
                    .isGreaterThanOrEqualTo(150);
            long window = failures.lastKey() - killedAt;
            System.out.printf("cluster failover: master killed at %d ms; %d writes failed (%s), the last %d ms after"
                            + " the kill (node timeout %d ms); %d acknowledged%n", killedAt, failures.size(),
                    new TreeSet<>(failures.values()), window, NODE_TIMEOUT_MS, acknowledged.size());

            RedisServerProcess survivor = cluster.nodes().stream().filter(n -> n != victim).findFirst().orElseThrow();
            List<String> missing = new ArrayList<>();
            try (RespConnection any = new RespConnection(survivor.port(), 2)) {
                for (String key : acknowledged) {
                    if (!onItsMaster(cluster, any, key)) {
                        missing.add(key);
                    }
                }
            }
            assertThat(missing).as("acknowledged writes lost").isEmpty();
        }
    }

    /** Whether the key is on the master that serves its slot now (asked of that master itself). */
    private static boolean onItsMaster(RedisTopologies.Cluster cluster, RespConnection any, String key) {
        long slot = (Long) any.call("CLUSTER", "KEYSLOT", key);
        for (Object range : (List<?>) any.call("CLUSTER", "SLOTS")) {
            List<?> entry = (List<?>) range;
            if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
                long port = (Long) ((List<?>) entry.get(2)).get(1);
                try (RespConnection master = new RespConnection((int) port, 2)) {
                    return master.call("GET", key) != null;
                }
            }
        }
        return false;
    }
}
