package dev.redisconnector.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.redisconnector.core.ConnectorException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Small bounded pools of connections that one request holds alone: blocking commands and transactions. Each service
 * version has its own pool of at most {@code size} connections; a caller that finds them all busy waits up to
 * {@code wait} (never longer) and then gets {@code POOL_EXHAUSTED}. A connection goes back to the pool only when its
 * state is known to be clean (its last command answered); any other connection is closed. Idle connections close
 * after the idle timeout. Thread-safe.
 */
final class DedicatedConnections implements AutoCloseable {

    private final int size;
    private final Duration wait;
    private final Duration idleTimeout;
    private final Cache<ServiceKey, Pool> pools;
    private final Map<String, Versions> currentVersions = new ConcurrentHashMap<>();

    DedicatedConnections(int size, Duration wait, Duration idleTimeout) {
        this.size = size;
        this.wait = wait;
        this.idleTimeout = idleTimeout;
        this.pools = Caffeine.newBuilder()
                .expireAfterAccess(idleTimeout)
                .scheduler(Scheduler.systemScheduler())
                .executor(Runnable::run)
                .removalListener((ServiceKey key, Pool pool,
                                  RemovalCause cause) -> {
                    if (pool != null) {
                        pool.close();
                    }
                })
                .build();
    }

    /**
     * A connection of the key's pool, opened with {@code opener} when no idle one is left. Fails with
     * {@code POOL_EXHAUSTED} when none frees up in time, or with the opener's failure.
     */
    CompletableFuture<Lease> acquire(
            ServiceKey key,
            Function<ServiceKey, CompletableFuture<RedisHandle>> opener) {
        Pool pool = pools.get(key, k -> new Pool(k.clientId()));
        return pool.permit().thenCompose(ignored -> {
            RedisHandle idle = pool.takeIdle();
            if (idle != null) {
                return CompletableFuture.completedFuture(new Lease(pool, idle));
            }
            CompletableFuture<RedisHandle> opened;
            try {
                opened = opener.apply(key);
            } catch (RuntimeException e) {
                opened = CompletableFuture.failedFuture(e);
            }
            return opened.handle((handle, failure) -> {
                if (failure != null) {
                    pool.returnPermit();
                    throw failure instanceof CompletionException completion ? completion
                            : new CompletionException(failure);
                }
                return new Lease(pool, handle);
            });
        });
    }

    /** Closes every pool of a client (its service or credentials changed); leased connections close on release. */
    void closeClient(String clientId) {
        pools.asMap().keySet().removeIf(key -> key.clientId().equals(clientId));
    }

    /** Closes the pools of a client other than its current version. */
    void retainOnly(String clientId, Versions current) {
        Versions previous = currentVersions.put(clientId, current);
        if (previous != null && !previous.equals(current)) {
            pools.asMap().keySet().removeIf(key -> key.clientId().equals(clientId)
                    && !key.versions().equals(current));
        }
    }

    /** Connections leased right now, over every pool (for tests and metrics). */
    int leased() {
        int leased = 0;
        for (Pool pool : pools.asMap().values()) {
            leased += pool.leased();
        }
        return leased;
    }

    /** Per client: connections leased right now and open (leased or idle), as {@code {leased, open}}. */
    Map<String, int[]> usageByClient() {
        Map<String, int[]> usage = new TreeMap<>();
        for (var entry : pools.asMap().entrySet()) {
            int[] counts = usage.computeIfAbsent(entry.getKey().clientId(), ignored -> new int[2]);
            counts[0] += entry.getValue().leased();
            counts[1] += entry.getValue().open();
        }
        return usage;
    }

    /** Open connections, leased or idle, over every pool. */
    int open() {
        int open = 0;
        for (Pool pool : pools.asMap().values()) {
            open += pool.open();
        }
        return open;
    }

    @Override
    public void close() {
        pools.invalidateAll();
        pools.cleanUp();
    }

    /** One connection held by one request; {@link #release} exactly once. */
    static final class Lease {
        private final Pool pool;
        private final RedisHandle handle;
        private boolean released;

        private Lease(Pool pool, RedisHandle handle) {
            this.pool = pool;
            this.handle = handle;
        }

        RedisHandle handle() {
            return handle;
        }

        /**
         * Gives the connection back: to the pool when {@code clean} (its state is as it was when leased and nothing
         * is pending on it), otherwise it is closed.
         */
        synchronized void release(boolean clean) {
            if (released) {
                return;
            }
            released = true;
            pool.giveBack(handle, clean);
        }
    }

    private final class Pool {
        private final String clientId;
        private final ArrayDeque<Idle> idle = new ArrayDeque<>();
        private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
        private int leased;
        private boolean closed;

        Pool(String clientId) {
            this.clientId = clientId;
        }

        synchronized int leased() {
            return leased;
        }

        synchronized int open() {
            return leased + idle.size();
        }

        /** A permit to hold one connection: at once, after a wait, or {@code POOL_EXHAUSTED}. */
        CompletableFuture<Void> permit() {
            CompletableFuture<Void> waiter;
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.failedFuture(exhausted("the pool was closed"));
                }
                if (leased < size) {
                    leased++;
                    return CompletableFuture.completedFuture(null);
                }
                if (wait.isZero() || waiters.size() >= size * 16) {
                    return CompletableFuture.failedFuture(exhausted("all " + size + " are busy"));
                }
                waiter = new CompletableFuture<>();
                waiters.add(waiter);
            }
            CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                synchronized (this) {
                    waiters.remove(waiter);
                }
                waiter.completeExceptionally(exhausted("all " + size + " stayed busy for " + wait.toMillis() + " ms"));
            });
            return waiter;
        }

        private ConnectorException exhausted(String why) {
            return ConnectorException.poolExhausted("No dedicated connection to the Redis service of client '"
                    + clientId + "' is free (" + why + "; they serve blocking commands and transactions); nothing"
                    + " was sent. Retry shortly, or ask the operator to raise RC_DEDICATED_POOL_SIZE.",
                    Duration.ofSeconds(1));
        }

        synchronized RedisHandle takeIdle() {
            long now = System.nanoTime();
            while (!idle.isEmpty()) {
                Idle next = idle.pollLast();
                if (next.handle.connection().isOpen() && now - next.since < idleTimeout.toNanos()) {
                    return next.handle;
                }
                next.handle.close();
            }
            return null;
        }

        void giveBack(RedisHandle handle, boolean clean) {
            boolean keep;
            synchronized (this) {
                keep = clean && !closed && handle.connection().isOpen();
                if (keep) {
                    idle.addLast(new Idle(handle, System.nanoTime()));
                }
            }
            if (!keep) {
                handle.close();
            }
            returnPermit();
        }

        /** Hands the permit to the first waiter still waiting, or frees it. */
        void returnPermit() {
            while (true) {
                CompletableFuture<Void> next;
                synchronized (this) {
                    next = waiters.poll();
                    if (next == null) {
                        leased--;
                        return;
                    }
                }
                if (next.complete(null)) {
                    return;
                }
            }
        }

        void close() {
            List<RedisHandle> toClose = new ArrayList<>();
            synchronized (this) {
                closed = true;
                for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
                    toClose.add(it.next().handle);
                    it.remove();
                }
            }
            toClose.forEach(RedisHandle::close);
        }
    }

    private record Idle(RedisHandle handle, long since) {
    }
}
