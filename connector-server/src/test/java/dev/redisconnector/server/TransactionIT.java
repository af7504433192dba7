package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.command.ConnectionSafety;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.testing.FaultProxy;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /v1/redis/transaction: MULTI/EXEC on a dedicated connection, WATCH, EXECABORT, refusals, no interleaving. */
class TransactionIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().client("tx", REDIS).build();
    static String token;

    @BeforeAll
    static void start() {
        token = SERVER.token("tx");
    }

    static JsonObject command(String name, Object... args) {
        return new JsonObject().put("command", name).put("args", new JsonArray(List.of(args)));
    }

    static String body(List<String> watch, JsonObject... commands) {
        JsonObject inputs = new JsonObject().put("commands", new JsonArray(List.of((Object[]) commands)));
        if (watch != null) {
            inputs.put("watch", new JsonArray(new ArrayList<>(watch)));
        }
        return new JsonObject().put("inputs", inputs).encode();
    }

    static HttpTestClient.Response transaction(String session, JsonObject... commands) {
        return SERVER.http.send("POST", "/v1/redis/transaction", session, body(null, commands));
    }

    @Test
    void runsAtomicallyWithOneResultPerCommand() {
        REDIS.server().call("DEL", "tx:a", "tx:n", "tx:list");
        HttpTestClient.Response response = transaction(token, command("SET", "tx:a", "1"), command("INCR", "tx:n"),
                command("LPUSH", "tx:a", "x"), command("GET", "tx:a"), command("RPUSH", "tx:list", "p", "q"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonArray output = response.json().getJsonArray("output1");
        assertThat(output.getValue(0)).isEqualTo("OK");
        assertThat(output.getValue(1)).isEqualTo(1);
        // a run-time error fails only its own command, as in any Redis transaction
        assertThat(output.getJsonObject(2).getString("code")).isEqualTo("REDIS_ERROR");
        assertThat(output.getJsonObject(2).getString("error")).startsWith("WRONGTYPE");
        assertThat(output.getValue(3)).isEqualTo("1");
        assertThat(output.getValue(4)).isEqualTo(2);
    }

    @Test
    void execAbortNamesTheCommandAndNothingRuns() {
        REDIS.server().call("DEL", "tx:abort");
        HttpTestClient.Response response = transaction(token, command("SET", "tx:abort", "1"), command("SET"),
                command("INCR", "tx:abort"));
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.errorCode()).isEqualTo("REDIS_ERROR");
        assertThat(response.errorMessage()).startsWith("Redis discarded the transaction and nothing ran (EXECABORT):"
                + " inputs.commands[1] (SET) was refused when queued: ERR wrong number of arguments");
        assertThat(REDIS.server().call("EXISTS", "tx:abort")).isEqualTo(":0");
        // the dedicated connection is clean afterwards: the next transaction runs
        assertThat(transaction(token, command("SET", "tx:abort", "2")).status()).isEqualTo(200);
        assertThat(REDIS.server().call("GET", "tx:abort")).isEqualTo("2");
    }

    @Test
    void everySafetyRefusalHoldsInsideATransaction() {
        REDIS.server().call("DEL", "tx:refused");
        for (String refused : ConnectionSafety.refusedCommands(true).keySet()) {
            HttpTestClient.Response response = transaction(token, command("SET", "tx:refused", "1"),
                    command(refused, "x"));
            assertThat(response.status()).as(refused + ": " + response.body()).isEqualTo(403);
            assertThat(response.errorCode()).isEqualTo("COMMAND_NOT_ALLOWED");
            assertThat(response.errorMessage()).startsWith("inputs.commands[1]: " + refused + " is not allowed");
        }
        assertThat(REDIS.server().call("EXISTS", "tx:refused")).isEqualTo(":0");
    }

    @Test
    void policyAppliesToCommandsAndWatchedKeys() {
        String scoped = SERVER.register("tx-scoped", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()).put("policy", new JsonObject().put("mode", "read-write")
                        .put("keyPrefixes", new JsonArray().add("scoped:"))), new JsonObject().put("kind", "none"));
        HttpTestClient.Response outside = transaction(scoped, command("SET", "scoped:a", "1"),
                command("SET", "other:b", "1"));
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.errorMessage()).startsWith("inputs.commands[1]: SET is not allowed").contains("other:b");
        HttpTestClient.Response watched = SERVER.http.send("POST", "/v1/redis/transaction", scoped,
                body(List.of("other:w"), command("SET", "scoped:a", "1")));
        assertThat(watched.status()).isEqualTo(403);
        assertThat(watched.errorMessage()).startsWith("inputs.watch: ").contains("other:w");
        String readOnly = SERVER.register("tx-ro", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()).put("policy", new JsonObject().put("mode", "read-only")),
                new JsonObject().put("kind", "none"));
        assertThat(transaction(readOnly, command("GET", "tx:a"), command("DEL", "tx:a")).errorMessage())
                .startsWith("inputs.commands[1]: DEL is not allowed");
        assertThat(transaction(readOnly, command("GET", "tx:a"), command("EXISTS", "tx:a")).status())
                .isEqualTo(200);
    }

    @Test
    void malformedTransactionsAreRefused() {
        assertThat(SERVER.http.send("POST", "/v1/redis/transaction", token, "{\"inputs\":{\"commands\":[]}}")
                .errorCode()).isEqualTo("INVALID_REQUEST");
        assertThat(SERVER.http.send("POST", "/v1/redis/transaction", token,
                "{\"inputs\":{\"commands\":[{\"command\":\"GET\",\"args\":[\"k\"]}],\"watch\":{}}}").errorMessage())
                .isEqualTo("inputs.watch must be an array of key names.");
        assertThat(SERVER.http.send("POST", "/v1/redis/pipeline", token,
                body(List.of("k"), command("GET", "k"))).errorMessage())
                .isEqualTo("inputs.watch only applies to transactions (POST /v1/redis/transaction).");
        assertThat(SERVER.http.send("POST", "/v1/redis/transaction", "rcs_forged", body(null, command("GET", "k")))
                .status()).isEqualTo(401);
    }

    @Test
    void watchedKeyChangedAbortsTheTransaction() throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", REDIS.port())) {
            String watching = SERVER.register("tx-watch", new JsonObject().put("host", "127.0.0.1")
                    .put("port", proxy.port()), new JsonObject().put("kind", "none"));
            REDIS.server().call("SET", "tx:balance", "100");
            // hold the transaction between WATCH and MULTI, change the key meanwhile
            proxy.holdFrom("MULTI");
            CompletableFuture<HttpTestClient.Response> pending = SERVER.http.sendAsync("POST",
                    "/v1/redis/transaction", watching, body(List.of("tx:balance"), command("DECRBY", "tx:balance",
                            30), command("RPUSH", "tx:ledger", "-30")));
            assertThat(proxy.awaitHolding(10, TimeUnit.SECONDS)).isTrue();
            REDIS.server().call("SET", "tx:balance", "50");
            proxy.release();
            HttpTestClient.Response aborted = pending.get(10, TimeUnit.SECONDS);
            assertThat(aborted.status()).as(aborted.body()).isEqualTo(409);
            assertThat(aborted.errorCode()).isEqualTo("TRANSACTION_ABORTED");
            assertThat(aborted.errorMessage()).contains("a watched key").contains("nothing was written");
            assertThat(REDIS.server().call("GET", "tx:balance")).isEqualTo("50");
            assertThat(REDIS.server().call("EXISTS", "tx:ledger")).isEqualTo(":0");
            // unchanged keys: the same transaction runs
            HttpTestClient.Response done = SERVER.http.send("POST", "/v1/redis/transaction", watching,
                    body(List.of("tx:balance"), command("DECRBY", "tx:balance", 30)));
            assertThat(done.json().getJsonArray("output1").getValue(0)).isEqualTo(20);
        }
    }

    @Test
    void concurrentTransactionsNeverInterleave() {
        REDIS.server().call("DEL", "tx:log");
        String other = SERVER.register("tx-other-user", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()), new JsonObject().put("kind", "none"));
        List<CompletableFuture<HttpTestClient.Response>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            JsonObject[] steps = new JsonObject[5];
            for (int j = 0; j < steps.length; j++) {
                steps[j] = command("RPUSH", "tx:log", "t" + i + "-" + j);
            }
            all.add(SERVER.http.sendAsync("POST", "/v1/redis/transaction", token, body(null, steps)));
            for (int p = 0; p < 4; p++) {
                // plain commands of the same client (shared connection) and of another client
                all.add(SERVER.http.commandAsync(p % 2 == 0 ? token : other, "RPUSH", "tx:log", "p" + i + "-" + p));
            }
        }
        for (CompletableFuture<HttpTestClient.Response> response : all) {
            assertThat(response.join().status()).as(response.join().body()).isEqualTo(200);
        }
        String[] log = REDIS.server().call("LRANGE", "tx:log", "0", "-1").split("\n");
        assertThat(log).hasSize(50 * 5 + 50 * 4);
        for (int i = 0; i < 50; i++) {
            int first = List.of(log).indexOf("t" + i + "-0");
            assertThat(first).isNotNegative();
            for (int j = 1; j < 5; j++) {
                assertThat(log[first + j]).as("transaction " + i + " is contiguous").isEqualTo("t" + i + "-" + j);
            }
        }
        CommandExecutor executor = SERVER.server.connector().commandExecutor();
        assertThat(executor.stats().dedicatedInUse()).isZero();
        assertThat(executor.stats().dedicatedOpen()).isBetween(1, 8 * 10);
    }
}
