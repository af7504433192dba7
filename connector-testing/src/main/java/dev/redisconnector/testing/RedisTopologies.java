package dev.redisconnector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real multi-process Redis setups for tests: a master with a replica watched by three sentinels, and a three-master
 * cluster created with {@code redis-cli --cluster create}. Close them to stop every process.
 */
public final class RedisTopologies {

    private RedisTopologies() {
    }

    /** A master, one replica and three sentinels monitoring them as {@code masterName}. */
    public record Sentinels(RedisServerProcess master, RedisServerProcess replica, List<RedisServerProcess> sentinels,
                            String masterName) implements AutoCloseable {
        @Override
        public void close() {
            sentinels.forEach(RedisServerProcess::stop);
            replica.stop();
            master.stop();
        }
    }

    /** Three cluster masters, slots spread evenly. */
    public record Cluster(List<RedisServerProcess> nodes) implements AutoCloseable {
        @Override
        public void close() {
            nodes.forEach(RedisServerProcess::stop);
        }

        /** This node's cluster id. */
        public String nodeId(RedisServerProcess node) {
            return node.call("CLUSTER", "MYID").strip();
        }
    }

    /** Starts a sentinel setup; returns once the sentinels know the replica. */
    public static Sentinels sentinels(Path directory, String masterName) {
        RedisServerProcess master = RedisServerProcess.start(List.of(), directory.resolve("master"));
        RedisServerProcess replica = RedisServerProcess.start(List.of("replicaof 127.0.0.1 " + master.port()),
                directory.resolve("replica"));
        List<RedisServerProcess> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(RedisServerProcess.start(List.of(
                    "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 2",
                    "sentinel down-after-milliseconds " + masterName + " 1000",
                    "sentinel failover-timeout " + masterName + " 10000",
                    "sentinel parallel-syncs " + masterName + " 1"), directory.resolve("sentinel-" + i),
                    RedisServerProcess.Kind.SENTINEL));
        }
        Sentinels setup = new Sentinels(master, replica, sentinels, masterName);
        await(() -> replica.call("INFO", "replication").contains("master_link_status:up"), "replica in sync");
        await(() -> sentinels.stream().allMatch(s -> s.call("SENTINEL", "REPLICAS", masterName)
                .contains(Integer.toString(replica.port()))), "sentinels know the replica");
        return setup;
    }

    /** Starts three cluster nodes and joins them. */
    public static Cluster cluster(Path directory) {
        List<RedisServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(RedisServerProcess.start(List.of("cluster-enabled yes", "cluster-config-file nodes-" + i
                    + ".conf", "cluster-node-timeout 3000"), directory.resolve("node-" + i)));
        }
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        run(command, directory.resolve("cluster-create.log"));
        await(() -> nodes.stream().allMatch(n -> n.call("CLUSTER", "INFO").contains("cluster_state:ok")),
                "cluster state ok");
        return new Cluster(nodes);
    }

    /**
     * Starts six cluster nodes, three masters each with a replica, with {@code nodeTimeoutMs} as the node timeout
     * (what a replica waits before it takes over a dead master).
     */
    public static Cluster clusterWithReplicas(Path directory, int nodeTimeoutMs) {
        List<RedisServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(RedisServerProcess.start(List.of("cluster-enabled yes", "cluster-config-file nodes-" + i
                    + ".conf", "cluster-node-timeout " + nodeTimeoutMs), directory.resolve("node-" + i)));
        }
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        run(command, directory.resolve("cluster-create.log"));
        await(() -> nodes.stream().allMatch(n -> n.call("CLUSTER", "INFO").contains("cluster_state:ok")),
                "cluster state ok");
        await(() -> nodes.stream().filter(n -> n.call("ROLE").startsWith("slave"))
                .allMatch(n -> n.call("INFO", "replication").contains("master_link_status:up")), "replicas in sync");
        return new Cluster(nodes);
    }

    /** Runs a command (e.g. {@code redis-cli --cluster reshard ...}) and fails when it fails. */
    public static void run(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} for up to 60 s. */
    public static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // keep polling
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("timed out waiting for: " + what);
    }
}
