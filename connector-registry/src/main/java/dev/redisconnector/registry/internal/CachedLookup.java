package dev.redisconnector.registry.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A read-through cache in front of a blocking database lookup.
 *
 * <p>A fresh entry is answered at once with an already-completed future (no thread hop). An entry older than
 * {@code fresh} is still answered at once while one background reload runs (stale-while-revalidate); when the
 * database is down, stale entries keep being served until {@code maxStale}. A miss loads on {@code executor}, with
 * concurrent misses of the same key sharing one load. Failures are never cached. Thread-safe.
 */
public final class CachedLookup<K, V> {

    private final Cache<K, Entry<V>> cache;
    private final ConcurrentHashMap<K, CompletableFuture<Optional<V>>> inflight = new ConcurrentHashMap<>();
    private final Function<K, Optional<V>> loader;
    private final Executor executor;
    private final long freshNanos;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();

    /**
     * Counts since start: lookups answered from memory, lookups that had to wait for the database, database loads
     * (including background refreshes), failed loads, and the time spent in loads.
     */
    public record Stats(long hits, long misses, long loads, long loadFailures, long loadNanos) {
    }

    public CachedLookup(Function<K, Optional<V>> loader, Executor executor, Duration fresh, Duration maxStale,
                        long maximumSize) {
        this.loader = loader;
        this.executor = executor;
        this.freshNanos = fresh.toNanos();
        // maintenance runs on the calling thread: cheap, and no hand-off to the common pool on the hot path
        this.cache = Caffeine.newBuilder().expireAfterWrite(maxStale).maximumSize(maximumSize)
                .executor(Runnable::run).build();
    }

    /** The value for {@code key}; the future fails only when there is no cached value and the load fails. */
    public CompletableFuture<Optional<V>> get(K key) {
        Entry<V> entry = cache.getIfPresent(key);
        if (entry == null) {
            misses.increment();
        } else {
            hits.increment();
            if (System.nanoTime() - entry.loadedAtNanos() > freshNanos) {
                load(key).exceptionally(failure -> null);
            }
            return entry.future();
        }
        return load(key);
    }

    /** See {@link Stats}. */
    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(), loadNanos.sum());
    }

    /** Forgets {@code key}, so the next {@link #get} reads the database. */
    public void invalidate(K key) {
        cache.invalidate(key);
    }

    /** Forgets everything. */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    private CompletableFuture<Optional<V>> load(K key) {
        CompletableFuture<Optional<V>> running = inflight.get(key);
        if (running != null) {
            return running;
        }
        CompletableFuture<Optional<V>> created = new CompletableFuture<>();
        running = inflight.putIfAbsent(key, created);
        if (running != null) {
            return running;
        }
        long started = System.nanoTime();
        try {
            executor.execute(() -> {
                long loadStarted = System.nanoTime();
                try {
                    Optional<V> value = loader.apply(key);
                    cache.put(key, new Entry<>(CompletableFuture.completedFuture(value), started));
                    inflight.remove(key, created);
                    created.complete(value);
                } catch (RuntimeException | Error e) {
                    loadFailures.increment();
                    inflight.remove(key, created);
                    created.completeExceptionally(e);
                } finally {
                    loads.increment();
                    loadNanos.add(System.nanoTime() - loadStarted);
                }
            });
        } catch (RuntimeException rejected) {
            inflight.remove(key, created);
            created.completeExceptionally(rejected);
        }
        return created;
    }

    private record Entry<V>(CompletableFuture<Optional<V>> future, long loadedAtNanos) {
    }
}
