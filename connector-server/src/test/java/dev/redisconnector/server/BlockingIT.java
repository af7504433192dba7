package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking commands run on dedicated connections: they never delay other users, their block time is capped, and a
 * busy pool answers POOL_EXHAUSTED instead of waiting without bound.
 */
class BlockingIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder()
            .setting("RC_DEDICATED_POOL_SIZE", "2")
            .setting("RC_DEDICATED_WAIT_MS", "300")
            .setting("RC_MAX_BLOCK_MS", "2500").build();
    static String blocker;
    static String reader;

    @BeforeAll
    static void start() {
        JsonObject service = new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port());
        blocker = SERVER.register("blocking", service, new JsonObject().put("kind", "none"));
        reader = SERVER.register("reading", service.copy(), new JsonObject().put("kind", "none"));
        // the same client's other users share its connection: they must not wait for the blocked one either
        REDIS.server().call("SET", "b:value", "v");
    }

    @Test
    void blpopForTwoSecondsDoesNotDelayFiveHundredGets() {
        REDIS.server().call("DEL", "b:empty");
        try (LoadClient load = new LoadClient(SERVER.server.port(), 32)) {
            // warm up: connections of the HTTP pool and of both clients open before measuring; then a baseline
            for (int round = 0; round < 3; round++) {
                fiveHundredGets(load, false);
            }
            double[] baseline = fiveHundredGets(load, true);
            long started = System.nanoTime();
            CompletableFuture<LoadClient.Timed> blocked = load.command(blocker, "BLPOP", "b:empty", "2");
            List<CompletableFuture<LoadClient.Timed>> gets = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                gets.add(load.command(i % 2 == 0 ? blocker : reader, "GET", "b:value"));
            }
            double[] latencies = latencies(gets);
            double allGetsDone = (System.nanoTime() - started) / 1e6;
            LoadClient.Timed popped = blocked.join();
            System.out.printf("500 GETs (half of them by the blocked user's client) during a 2 s BLPOP: p50 %.1f ms,"
                    + " p99 %.1f ms, max %.1f ms, all answered %.0f ms after the BLPOP was sent; BLPOP answered"
                    + " after %.0f ms. Without a BLPOP: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", latencies[250],
                    latencies[495], latencies[499], allGetsDone, popped.millis(), baseline[250], baseline[495],
                    baseline[499]);
            assertThat(popped.status()).isEqualTo(200);
            assertThat(popped.json().getValue("output1")).isNull();
            assertThat(popped.millis()).isGreaterThanOrEqualTo(1950);
            // every GET was answered long before the BLPOP returned: none waited for it
            assertThat(allGetsDone).isLessThan(1000);
            assertThat(latencies[499]).isLessThan(1000);
        }
    }

    private static double[] fiveHundredGets(LoadClient load, boolean measured) {
        List<CompletableFuture<LoadClient.Timed>> gets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            gets.add(load.command(i % 2 == 0 ? blocker : reader, "GET", "b:value"));
        }
        double[] latencies = latencies(gets);
        return measured ? latencies : null;
    }

    private static double[] latencies(List<CompletableFuture<LoadClient.Timed>> gets) {
        double[] latencies = new double[gets.size()];
        for (int i = 0; i < latencies.length; i++) {
            LoadClient.Timed get = gets.get(i).join();
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.json().getString("output1")).isEqualTo("v");
            latencies[i] = get.millis();
        }
        Arrays.sort(latencies);
        return latencies;
    }

    @Test
    void blpopIsWokenByAPushFromAnotherUser() {
        REDIS.server().call("DEL", "b:queue");
        CompletableFuture<HttpTestClient.Response> waiting = SERVER.http.commandAsync(blocker, "BLPOP", "b:queue",
                "5");
        sleep(200);
        assertThat(SERVER.http.command(reader, "RPUSH", "b:queue", "job-1").status()).isEqualTo(200);
        HttpTestClient.Response popped = waiting.join();
        assertThat(popped.json().getJsonArray("output1")).isEqualTo(new JsonArray().add("b:queue").add("job-1"));
    }

    @Test
    void endlessBlocksAreCutToTheConfiguredMaximum() {
        REDIS.server().call("DEL", "b:never", "b:stream");
        REDIS.server().call("XADD", "b:stream", "1-1", "f", "v");
        for (Object[] command : new Object[][] {{"BLPOP", "b:never", 0}, {"BRPOP", "b:never", "3600"},
                {"XREAD", "BLOCK", 0, "STREAMS", "b:stream", "$"}}) {
            long started = System.nanoTime();
            HttpTestClient.Response response = SERVER.http.command(blocker, (String) command[0],
                    Arrays.copyOfRange(command, 1, command.length));
            long took = (System.nanoTime() - started) / 1_000_000;
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().getValue("output1")).isNull();
            assertThat(took).as(command[0] + " took " + took + " ms").isBetween(2400L, 5000L);
        }
    }

    @Test
    void aBusyPoolAnswersPoolExhaustedWithinTheWait() {
        REDIS.server().call("DEL", "b:held");
        List<CompletableFuture<HttpTestClient.Response>> holding = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            holding.add(SERVER.http.commandAsync(blocker, "BLPOP", "b:held", "1.5"));
        }
        CommandExecutor executor = SERVER.server.connector().commandExecutor();
        long deadline = System.currentTimeMillis() + 5000;
        while (executor.stats().dedicatedInUse() < 2 && System.currentTimeMillis() < deadline) {
            sleep(10);
        }
        long started = System.nanoTime();
        HttpTestClient.Response refused = SERVER.http.command(blocker, "BLPOP", "b:held", "1");
        long took = (System.nanoTime() - started) / 1_000_000;
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.errorCode()).isEqualTo("POOL_EXHAUSTED");
        assertThat(refused.errorMessage()).contains("nothing was sent");
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(took).isBetween(250L, 1200L);
        // transactions share the pool and get the same answer
        HttpTestClient.Response transaction = SERVER.http.send("POST", "/v1/redis/transaction", blocker,
                "{\"inputs\":{\"commands\":[{\"command\":\"INCR\",\"args\":[\"b:n\"]}]}}");
        assertThat(transaction.errorCode()).isEqualTo("POOL_EXHAUSTED");
        // plain commands of the same client are not affected
        assertThat(SERVER.http.command(blocker, "GET", "b:value").status()).isEqualTo(200);
        holding.forEach(response -> assertThat(response.join().status()).isEqualTo(200));
        assertThat(executor.stats().dedicatedInUse()).isZero();
        // once free, the pool serves again (and reuses its connections)
        assertThat(SERVER.http.command(blocker, "BLPOP", "b:held", "0.1").status()).isEqualTo(200);
        assertThat(executor.stats().dedicatedOpen()).isLessThanOrEqualTo(2 * 2);
    }

    @Test
    void blockingCommandsAreRefusedInPipelinesButRunInTransactions() {
        HttpTestClient.Response pipeline = SERVER.http.send("POST", "/v1/redis/pipeline", blocker,
                "{\"inputs\":{\"commands\":[{\"command\":\"BLPOP\",\"args\":[\"b:x\",1]}]}}");
        assertThat(pipeline.json().getJsonArray("output1").getJsonObject(0).getString("code"))
                .isEqualTo("COMMAND_NOT_ALLOWED");
        REDIS.server().call("RPUSH", "b:tx", "a");
        HttpTestClient.Response transaction = SERVER.http.send("POST", "/v1/redis/transaction", blocker,
                "{\"inputs\":{\"commands\":[{\"command\":\"BLPOP\",\"args\":[\"b:tx\",0]},"
                        + "{\"command\":\"BLPOP\",\"args\":[\"b:tx\",0]}]}}");
        assertThat(transaction.json().getJsonArray("output1"))
                .isEqualTo(new JsonArray().add(new JsonArray().add("b:tx").add("a")).addNull());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
