package dev.redisconnector.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.execution.HostPolicy;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.testing.FaultProxy;
import dev.redisconnector.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * At most once: the connection is cut while 1,000 INCRs are in flight. Afterwards
 * {@code acknowledged <= counter <= acknowledged + outcome unknown}: no command ran twice (no replay after the
 * reconnect), and every command reported "not sent" really did not run.
 */
class AtMostOnceIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RepeatedTest(3)
    void cuttingTheConnectionNeverRunsACommandTwice() throws Exception {
        InMemorySpi spi = new InMemorySpi();
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", REDIS.port());
             RedisConnector connector = RedisConnector.builder().sessionValidator(spi).serviceRegistry(spi)
                     .credentialStore(spi).options(ConnectorOptions.builder().hostPolicy(HostPolicy.ALLOW_LOOPBACK)
                             .commandTimeout(Duration.ofSeconds(3)).build()).build()) {
            spi.register("acme", proxy.port(), 0, null);
            spi.credentials.put("acme", RedisCredentials.none(1));
            String token = spi.login("alice", "acme");
            String key = "amo:counter:" + System.nanoTime();
            connector.execute(ExecuteRequest.of(token, "SET", key, "0"));
            // replies trickle back, so many commands are written and unanswered when the cut comes
            proxy.latency(2);
            List<CompletableFuture<Object>> outcomes = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                outcomes.add(connector.executeAsync(ExecuteRequest.of(token, "INCR", key)).toCompletableFuture()
                        .handle((reply, failure) -> failure == null ? reply : failure.getCause() != null
                                && !(failure instanceof ConnectorException) ? failure.getCause() : failure));
                if (i == 400) {
                    proxy.cutAll();
                }
            }
            AtomicInteger acknowledged = new AtomicInteger();
            AtomicInteger unknown = new AtomicInteger();
            AtomicInteger notSent = new AtomicInteger();
            Map<String, Integer> messages = new ConcurrentHashMap<>();
            for (CompletableFuture<Object> outcome : outcomes) {
                Object result = outcome.join();
                if (result instanceof ConnectorException e) {
                    messages.merge(e.code() + ": " + e.getMessage().replaceAll("\\d+ ms", "N ms"), 1, Integer::sum);
                    if (e.code() == ErrorCode.TIMEOUT) {
                        assertThat(e.getMessage()).contains("the outcome is unknown");
                        unknown.incrementAndGet();
                    } else {
                        assertThat(e.code()).as(e.getMessage() + " cause " + e.getCause())
                                .isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
                        assertThat(e.getMessage()).contains("was not sent");
                        notSent.incrementAndGet();
                    }
                } else {
                    acknowledged.incrementAndGet();
                }
            }
            long counter = Long.parseLong(REDIS.server().call("GET", key));
            System.out.printf("1,000 INCRs, connection cut after 400 were issued: %d acknowledged, %d outcome"
                    + " unknown, %d not sent; counter %d; %s%n", acknowledged.get(), unknown.get(), notSent.get(),
                    counter, messages);
            assertThat(acknowledged.get() + unknown.get() + notSent.get()).isEqualTo(1000);
            assertThat(counter).isBetween((long) acknowledged.get(), (long) acknowledged.get() + unknown.get());
            assertThat(unknown.get() + notSent.get()).as("the cut must hit commands in flight").isPositive();
            // the connector recovers by itself: the next command reconnects and runs once
            proxy.latency(0);
            long deadline = System.currentTimeMillis() + 10_000;
            Object after = null;
            while (System.currentTimeMillis() < deadline) {
                try {
                    after = connector.execute(ExecuteRequest.of(token, "INCR", key));
                    break;
                } catch (ConnectorException e) {
                    Thread.sleep(50);
                }
            }
            assertThat(after).isNotNull();
            assertThat(Long.parseLong(REDIS.server().call("GET", key))).isEqualTo(counter + 1);
        }
    }
}
