package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerProcess;
import dev.redisconnector.testing.RedisTopologies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A three-master Redis Cluster made with redis-cli: routing by key, CROSSSLOT explained, resharding followed. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    @TempDir
    static Path dir;

    static RedisTopologies.Cluster cluster;
    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();
    static String token;

    @BeforeAll
    static void start() {
        cluster = RedisTopologies.cluster(dir.resolve("redis"));
        JsonArray seeds = new JsonArray().add("127.0.0.1:" + cluster.nodes().getFirst().port());
        token = SERVER.register("cluster", new JsonObject().put("mode", "cluster").put("nodes", seeds),
                new JsonObject().put("kind", "none"));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static long keysOn(RedisServerProcess node) {
        return Long.parseLong(node.call("DBSIZE").substring(1).strip());
    }

    @Test
    void keysSpreadOverEveryNodeAndReshardingIsFollowed() {
        for (int i = 0; i < 1000; i++) {
            HttpTestClient.Response response = SERVER.http.command(token, "SET", "key:" + i, "v" + i);
            assertThat(response.body()).as("key:" + i).isEqualTo("{\"output1\":\"OK\"}");
        }
        assertThat(cluster.nodes()).allSatisfy(node -> assertThat(keysOn(node)).isGreaterThan(200));
        assertThat(cluster.nodes().stream().mapToLong(ClusterIT::keysOn).sum()).isEqualTo(1000);

        RedisServerProcess from = cluster.nodes().get(0);
        RedisServerProcess to = cluster.nodes().get(1);
        RedisTopologies.run(List.of("redis-cli", "--cluster", "reshard", "127.0.0.1:" + from.port(),
                "--cluster-from", cluster.nodeId(from), "--cluster-to", cluster.nodeId(to),
                "--cluster-slots", "1000", "--cluster-yes"), dir.resolve("reshard.log"));
        for (int i = 0; i < 1000; i++) {
            assertThat(SERVER.http.command(token, "GET", "key:" + i).body()).as("key:" + i)
                    .isEqualTo("{\"output1\":\"v" + i + "\"}");
        }
    }

    @Test
    void multiKeyCommandsAcrossSlotsAreExplained() {
        HttpTestClient.Response response = SERVER.http.command(token, "MSET", "a", "1", "b", "2");
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.errorCode()).isEqualTo("REDIS_ERROR");
        assertThat(response.errorMessage()).startsWith("CROSSSLOT Keys in request don't hash to the same slot")
                .contains("give the keys a common hash tag in braces");
        assertThat(SERVER.http.command(token, "MSET", "{order:1}:a", "1", "{order:1}:b", "2").body())
                .isEqualTo("{\"output1\":\"OK\"}");
        assertThat(SERVER.http.command(token, "MGET", "{order:1}:a", "{order:1}:b").body())
                .isEqualTo("{\"output1\":[\"1\",\"2\"]}");
    }

    @Test
    void transactionsAndBlockingCommandsRunOnTheKeysNode() {
        for (String tag : new String[] {"{user:1}", "{user:2}", "{user:3}"}) {
            String body = "{\"inputs\":{\"watch\":[\"" + tag + ":n\"],\"commands\":["
                    + "{\"command\":\"INCR\",\"args\":[\"" + tag + ":n\"]},"
                    + "{\"command\":\"RPUSH\",\"args\":[\"" + tag + ":log\",\"x\"]}]}}";
            HttpTestClient.Response response = SERVER.http.send("POST", "/v1/redis/transaction", token, body);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().getJsonArray("output1").getValue(1)).isEqualTo(1);
            HttpTestClient.Response popped = SERVER.http.command(token, "BLPOP", tag + ":log", "1");
            assertThat(popped.json().getJsonArray("output1").getValue(1)).as(popped.body()).isEqualTo("x");
        }
        HttpTestClient.Response crossSlot = SERVER.http.send("POST", "/v1/redis/transaction", token,
                "{\"inputs\":{\"commands\":[{\"command\":\"SET\",\"args\":[\"a\",\"1\"]},"
                        + "{\"command\":\"SET\",\"args\":[\"b\",\"1\"]}]}}");
        // "a" and "b" live on different nodes of this three-node cluster: the node of "a" refuses to queue "b"
        assertThat(crossSlot.status()).as(crossSlot.body()).isEqualTo(422);
        assertThat(crossSlot.errorMessage()).contains("EXECABORT").contains("inputs.commands[1] (SET)")
                .contains("MOVED").contains("keys by slot: slot").contains("common hash tag")
                .doesNotContain("register the service with mode cluster");
    }

    @Test
    void commandsThatSpanNodesAnswerAsOneServerWould() {
        // seven keys in different slots, on different nodes
        List<String> keys = List.of("span:a", "span:b", "span:c", "span:d", "span:e", "span:f", "span:g");
        for (String key : keys) {
            assertThat(SERVER.http.command(token, "SET", key, "v-" + key).status()).isEqualTo(200);
        }
        long total = cluster.nodes().stream().mapToLong(ClusterIT::keysOn).sum();
        assertThat(SERVER.http.command(token, "DBSIZE").body()).isEqualTo("{\"output1\":" + total + "}");
        assertThat(SERVER.http.command(token, "MGET", "span:a", "span:g", "span:none", "span:c").body())
                .isEqualTo("{\"output1\":[\"v-span:a\",\"v-span:g\",null,\"v-span:c\"]}");
        assertThat(SERVER.http.command(token, "EXISTS", "span:a", "span:b", "span:none").body())
                .isEqualTo("{\"output1\":2}");
        assertThat(SERVER.http.command(token, "TOUCH", "span:a", "span:b").body()).isEqualTo("{\"output1\":2}");
        assertThat(SERVER.http.command(token, "PING").body()).isEqualTo("{\"output1\":\"PONG\"}");
        // KEYS (allowed by name for this client) merges every master's keys
        String keysToken = SERVER.register("cluster-keys", new JsonObject().put("mode", "cluster")
                .put("nodes", new JsonArray().add("127.0.0.1:" + cluster.nodes().getFirst().port()))
                .put("policy", new JsonObject().put("allow", new JsonArray().add("KEYS"))),
                new JsonObject().put("kind", "none"));
        assertThat(SERVER.http.command(keysToken, "KEYS", "span:*").json().getJsonArray("output1").getList())
                .containsExactlyInAnyOrderElementsOf(keys);
        // SCAN walks every master with a cursor that carries the node
        List<String> seen = new ArrayList<>();
        String cursor = "0";
        int pages = 0;
        do {
            HttpTestClient.Response page = SERVER.http.command(token, "SCAN", cursor, "MATCH", "span:*", "COUNT", 3);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            JsonArray reply = page.json().getJsonArray("output1");
            cursor = reply.getString(0);
            reply.getJsonArray(1).forEach(key -> seen.add((String) key));
            pages++;
        } while (!cursor.equals("0") && pages < 1000);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(SERVER.http.command(token, "DEL", "span:a", "span:b", "span:none").body())
                .isEqualTo("{\"output1\":2}");
        assertThat(SERVER.http.command(token, "UNLINK", "span:c", "span:d").body()).isEqualTo("{\"output1\":2}");
        assertThat(SERVER.http.command(token, "EXISTS", "span:a", "span:c").body()).isEqualTo("{\"output1\":0}");
        // what cannot span nodes says which keys are in which slots and how hash tags fix it
        HttpTestClient.Response crossSlot = SERVER.http.command(token, "MSET", "span:x", "1", "span:y", "2");
        assertThat(crossSlot.status()).isEqualTo(422);
        assertThat(crossSlot.errorMessage()).startsWith("CROSSSLOT").contains("slot ").contains("span:x")
                .contains("hash tag");
        assertThat(SERVER.http.command(token, "MSET", "{span}:x", "1", "{span}:y", "2").status()).isEqualTo(200);
        // unless the caller accepts that the parts are set one by one
        HttpTestClient.Response split = SERVER.http.execute(token, new JsonObject().put("inputs", new JsonObject()
                .put("command", "MSET").put("args", new JsonArray().add("span:x").add("1").add("span:y").add("2")))
                .put("options", new JsonObject().put("splitAcrossSlots", true)).encode());
        assertThat(split.body()).isEqualTo("{\"output1\":\"OK\"}");
        assertThat(SERVER.http.command(token, "MGET", "span:x", "span:y").body())
                .isEqualTo("{\"output1\":[\"1\",\"2\"]}");
    }

    @Test
    void scriptsAndFunctionsAreLoadedOnEveryMaster() {
        JsonArray seeds = new JsonArray().add("127.0.0.1:" + cluster.nodes().getFirst().port());
        SERVER.ok("PUT", "/v1/admin/clients/cluster-scripts/service", new JsonObject().put("mode", "cluster")
                .put("nodes", seeds).put("policy", new JsonObject().put("scripting", true)));
        SERVER.ok("PUT", "/v1/admin/clients/cluster-scripts/credentials", new JsonObject().put("kind", "none"));
        // the user that confines scripts, made from the printed line on every node (ACLs are per node)
        String line = SERVER.ok("GET", "/v1/admin/clients/cluster-scripts/acl", null).getString("aclSetUser")
                .replace(">PASSWORD", ">pw-cluster-scripts");
        for (RedisServerProcess node : cluster.nodes()) {
            assertThat(node.call(line.split(" "))).isEqualTo("+OK");
        }
        SERVER.ok("PUT", "/v1/admin/clients/cluster-scripts/credentials", new JsonObject().put("kind", "password")
                .put("username", "cluster-scripts").put("password", "pw-cluster-scripts"));
        String scripts = SERVER.session("cluster-scripts");
        HttpTestClient.Response loaded = SERVER.http.command(scripts, "SCRIPT", "LOAD", "return KEYS[1]");
        assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
        String sha = loaded.json().getString("output1");
        HttpTestClient.Response library = SERVER.http.command(scripts, "FUNCTION", "LOAD", "REPLACE",
                "#!lua name=spanlib\nredis.register_function('keyname', function(keys) return keys[1] end)");
        assertThat(library.body()).as(library.body()).isEqualTo("{\"output1\":\"spanlib\"}");
        // keys on every node: the script and the function are there wherever the key routes
        for (String key : List.of("span:a", "span:b", "span:c", "span:d", "span:e", "span:f", "span:g")) {
            assertThat(SERVER.http.command(scripts, "EVALSHA", sha, 1, key).body())
                    .isEqualTo("{\"output1\":\"" + key + "\"}");
            assertThat(SERVER.http.command(scripts, "FCALL", "keyname", 1, key).body())
                    .isEqualTo("{\"output1\":\"" + key + "\"}");
        }
    }

    /** Last: it empties the cluster the other tests use. */
    @Test
    @Order(Integer.MAX_VALUE)
    void flushdbEmptiesEveryMaster() {
        String flusher = SERVER.register("cluster-flush", new JsonObject().put("mode", "cluster")
                .put("nodes", new JsonArray().add("127.0.0.1:" + cluster.nodes().getFirst().port()))
                .put("policy", new JsonObject().put("allow", new JsonArray().add("FLUSHDB"))),
                new JsonObject().put("kind", "none"));
        for (int i = 0; i < 30; i++) {
            SERVER.http.command(flusher, "SET", "flush:" + i, "v");
        }
        assertThat(cluster.nodes()).filteredOn(node -> keysOn(node) > 0).hasSizeGreaterThan(1);
        assertThat(SERVER.http.command(flusher, "FLUSHDB").body()).isEqualTo("{\"output1\":\"OK\"}");
        assertThat(cluster.nodes()).allSatisfy(node -> assertThat(keysOn(node)).isZero());
        assertThat(SERVER.http.command(flusher, "DBSIZE").body()).isEqualTo("{\"output1\":0}");
    }

    @Test
    void movableKeysAndKeylessCommandsRoute() {
        // LMPOP's key comes after a count (a movable key): routed to the key's node all the same
        assertThat(SERVER.http.command(token, "RPUSH", "lmpop:key", "x").status()).isEqualTo(200);
        assertThat(SERVER.http.command(token, "LMPOP", 1, "lmpop:key", "LEFT").body())
                .isEqualTo("{\"output1\":[\"lmpop:key\",[\"x\"]]}");
        assertThat(SERVER.http.command(token, "PING").body()).isEqualTo("{\"output1\":\"PONG\"}");
        assertThat(SERVER.http.command(token, "XADD", "stream:1", "*", "f", "v").status()).isEqualTo(200);
        assertThat(SERVER.http.command(token, "XINFO", "STREAM", "stream:1").status()).isEqualTo(200);
    }

    @Test
    void testConnectionReportsTheCluster() {
        JsonObject report = SERVER.test("cluster");
        assertThat(report.getBoolean("ok")).as(report.encode()).isTrue();
        assertThat(report.getString("clusterState")).isEqualTo("ok");
        assertThat(report.getInteger("clusterKnownNodes")).isEqualTo(3);
        assertThat(report.getString("mode")).isEqualTo("cluster");
    }

    @Test
    void aClusterRegisteredAsStandaloneIsTheWrongMode() {
        SERVER.register("cluster-as-standalone", new JsonObject().put("host", "127.0.0.1")
                .put("port", cluster.nodes().getFirst().port()), new JsonObject().put("kind", "none"));
        JsonObject report = SERVER.test("cluster-as-standalone");
        assertThat(report.getBoolean("ok")).isFalse();
        assertThat(report.getString("message")).startsWith("Wrong mode: the server at 127.0.0.1:")
                .contains("is a Redis Cluster node");
    }
}
