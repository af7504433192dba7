package dev.redisconnector.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the registry cache reads the database again: after {@code fresh} while changes may be missed, only after
 * {@code reread} while every change arrives, and at once after a load that an invalidation overtook.
 */
class CachedLookupTest {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicReference<String> row = new AtomicReference<>("v1");
    private final AtomicBoolean changesArrive = new AtomicBoolean();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private CachedLookup<String, String> lookup(Duration fresh, Duration reread) {
        return new CachedLookup<>(key -> {
            loads.incrementAndGet();
            return Optional.of(row.get());
        }, executor, fresh, reread, changesArrive::get, Duration.ofMinutes(10), 100);
    }

    private static String value(CompletableFuture<Optional<String>> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS).orElseThrow();
    }

    /** Lookups until the background reload has run (or the attempts run out); returns the loads seen. */
    private int settle(CachedLookup<String, String> cache) throws Exception {
        for (int i = 0; i < 50; i++) {
            value(cache.get("k"));
            Thread.sleep(10);
        }
        return loads.get();
    }

    @Test
    void whileChangesMayBeMissedAnEntryIsReadAgainAfterFresh() throws Exception {
        CachedLookup<String, String> cache = lookup(Duration.ofMillis(50), Duration.ofMinutes(1));
        assertThat(value(cache.get("k"))).isEqualTo("v1");
        row.set("v2");
        Thread.sleep(100);
        assertThat(settle(cache)).isGreaterThanOrEqualTo(2);
        assertThat(value(cache.get("k"))).isEqualTo("v2");
    }

    @Test
    void whileEveryChangeArrivesAnEntryIsKeptUntilRereadOrAnInvalidation() throws Exception {
        changesArrive.set(true);
        CachedLookup<String, String> cache = lookup(Duration.ofMillis(50), Duration.ofMinutes(1));
        assertThat(value(cache.get("k"))).isEqualTo("v1");
        Thread.sleep(100);
        assertThat(settle(cache)).as("no re-read inside the reread period").isEqualTo(1);

        row.set("v2");
        cache.invalidate("k");
        assertThat(value(cache.get("k"))).isEqualTo("v2");

        changesArrive.set(false);
        row.set("v3");
        Thread.sleep(100);
        settle(cache);
        assertThat(value(cache.get("k"))).as("the listener dropped: back to the fresh period").isEqualTo("v3");
    }

    @Test
    void aLoadOvertakenByAnInvalidationIsNotKeptAsCurrent() throws Exception {
        changesArrive.set(true);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean block = new AtomicBoolean(true);
        CachedLookup<String, String> cache = new CachedLookup<>(key -> {
            loads.incrementAndGet();
            String read = row.get();
            if (block.getAndSet(false)) {
                reading.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.of(read);
        }, executor, Duration.ofMillis(50), Duration.ofMinutes(1), changesArrive::get, Duration.ofMinutes(10), 100);

        CompletableFuture<Optional<String>> first = cache.get("k");
        assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
        // the row changes (and the change is announced) after the load read it
        row.set("v2");
        cache.invalidate("k");
        release.countDown();
        assertThat(value(first)).isEqualTo("v1");

        // the next lookup reads again instead of trusting v1 for a minute
        value(cache.get("k"));
        for (int i = 0; i < 50 && loads.get() < 2; i++) {
            Thread.sleep(10);
        }
        assertThat(loads.get()).isEqualTo(2);
        for (int i = 0; i < 50 && !"v2".equals(value(cache.get("k"))); i++) {
            Thread.sleep(10);
        }
        assertThat(value(cache.get("k"))).isEqualTo("v2");
    }
}
