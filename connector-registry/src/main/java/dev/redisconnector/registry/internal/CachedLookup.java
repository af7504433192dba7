package dev.redisconnector.registry.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.redisconnector.registry.RegistryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A read-through cache in front of a blocking database lookup.
 *
 * <p>A fresh entry is answered at once with an already-completed future (no thread hop). An entry older than
 * {@code fresh} is still answered at once while one background reload runs (stale-while-revalidate); when the
 * database is down, stale entries keep being served until {@code maxStale}. A miss loads on {@code executor}, with
 * concurrent misses of the same key sharing one load. Failures are never cached.
 *
 * <p>While {@code changesArrive} says every change reaches {@link #invalidate} (the registry's change listener is
 * connected, or this is the only instance), an entry is fresh for {@code reread} instead: the periodic re-read is then
 * only a safety net, and 1,000 active tenants no longer cost 600 database reads a second. A load that was running
 * when an invalidation came is handed to its waiters but cached as already stale, so the next lookup reads again
 * (it may have read the row before the change). Thread-safe.
 */
public final class CachedLookup<K, V> {

    private final Cache<K, Entry<V>> cache;
    private final ConcurrentHashMap<K, CompletableFuture<Optional<V>>> inflight = new ConcurrentHashMap<>();
    private final Function<K, Optional<V>> loader;
    private final Executor executor;
    private final long freshNanos;
    private final long rereadNanos;
    private final BooleanSupplier changesArrive;
    /** Bumped by every invalidation: a load that saw it move caches its result as stale. */
    private final AtomicLong invalidations = new AtomicLong();
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

    /** A registry store's cache: freshness from {@code config}, "every change arrives" from {@code changes}. */
    public CachedLookup(Function<K, Optional<V>> loader, Executor executor, RegistryConfig config, ChangeLog changes,
                        long maximumSize) {
        this(loader, executor, config.cacheFresh(), config.cacheReread(), changes::delivered, config.cacheMaxStale(),
                maximumSize);
    }

    /**
     * @param reread        how long an entry is fresh while {@code changesArrive} (at least {@code fresh})
     * @param changesArrive whether every change is being delivered to {@link #invalidate} now (read per lookup)
     */
    public CachedLookup(Function<K, Optional<V>> loader, Executor executor, Duration fresh, Duration reread,
                        BooleanSupplier changesArrive, Duration maxStale, long maximumSize) {
        this.loader = loader;
        this.executor = executor;
        this.freshNanos = fresh.toNanos();
        this.rereadNanos = Math.max(freshNanos, reread.toNanos());
        this.changesArrive = changesArrive;
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
            long age = System.nanoTime() - entry.loadedAtNanos();
            if (age > freshNanos && (age > rereadNanos || !changesArrive.getAsBoolean())) {
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
        invalidations.incrementAndGet();
        cache.invalidate(key);
    }

    /** Forgets everything. */
    public void invalidateAll() {
        invalidations.incrementAndGet();
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
        long generation = invalidations.get();
        try {
            executor.execute(() -> {
                long loadStarted = System.nanoTime();
                try {
                    Optional<V> value = loader.apply(key);
                    // an invalidation during the read: this value may predate the change, so it is stale at once
                    long loadedAt = invalidations.get() == generation ? started : started - rereadNanos - 1;
                    cache.put(key, new Entry<>(CompletableFuture.completedFuture(value), loadedAt));
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
