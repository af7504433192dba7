package dev.redisconnector.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.redisconnector.core.execution.ConnectionProvider;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.spi.RedisService;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ConnectionProvider}: one multiplexed connection per (service, service version, credentials
 * version) and lane, shared by every user of the client. A connection is opened on first use (concurrent first uses
 * share the attempt), closed after the idle timeout, and closed as soon as a newer version of the same client's
 * service or credentials is used; a failed attempt is forgotten, so the next command tries again. A cluster
 * connection already spreads over many nodes, so a cluster service has one connection whatever the lane.
 * Thread-safe.
 */
final class SharedConnections implements ConnectionProvider {

    private static final Logger LOG = LoggerFactory.getLogger(SharedConnections.class);

    /** Identity of one shared connection. */
    private record ConnectionKey(String clientId, Versions versions, int lane) {
    }

    private final Cache<ConnectionKey, CompletableFuture<Connection>> connections;
    private final Map<String, Versions> currentVersions = new ConcurrentHashMap<>();
    private final IntSupplier laneSelector;

    /**
     * @param laneSelector evaluated on the calling thread; each distinct value gets its own connection per service
     */
    SharedConnections(Duration idleTimeout, IntSupplier laneSelector) {
        this.laneSelector = laneSelector;
        this.connections = Caffeine.newBuilder()
                .expireAfterAccess(idleTimeout)
                .scheduler(Scheduler.systemScheduler())
                .executor(Runnable::run)
                .removalListener(SharedConnections::onRemoval)
                .build();
    }

    @Override
    public CompletableFuture<Connection> acquire(ExecutionTarget target, Opener opener) {
        RedisService service = target.service();
        Versions versions = current(target);
        int lane = service.mode() == RedisService.Mode.CLUSTER ? 0 : laneSelector.getAsInt();
        ConnectionKey key = new ConnectionKey(service.clientId(), versions, lane);
        CompletableFuture<Connection> existing = connections.getIfPresent(key);
        if (existing != null) {
            return existing;
        }
        return connections.get(key, k -> {
            CompletableFuture<Connection> opened = opener.open(target);
            // async: a synchronous failure must not touch the cache from inside its own compute
            opened.whenCompleteAsync((handle, failure) -> {
                if (failure != null) {
                    connections.asMap().remove(k, opened);
                    LOG.info("connect failed client={} service={} reason={} cause={}", service.clientId(),
                            service.serviceId(), failure.getMessage(), ExecutionErrors.causeChain(failure));
                }
            });
            return opened;
        });
    }

    /** The target's versions; the first use of a newer version closes the connections of older ones. */
    private Versions current(ExecutionTarget target) {
        Versions versions = Versions.of(target);
        String clientId = target.service().clientId();
        Versions known = currentVersions.get(clientId);
        if (!versions.equals(known)) {
            Versions previous = currentVersions.put(clientId, versions);
            if (previous != null && !previous.equals(versions)) {
                connections.asMap().keySet().removeIf(key -> key.clientId().equals(clientId)
                        && !key.versions().equals(versions));
            }
        }
        return versions;
    }

    @Override
    public void closeClient(String clientId) {
        connections.asMap().keySet().removeIf(key -> key.clientId().equals(clientId));
    }

    /** Forgets a client entirely (its service or credentials changed or were deleted). */
    void forget(String clientId) {
        currentVersions.remove(clientId);
        closeClient(clientId);
    }

    @Override
    public long size() {
        connections.cleanUp();
        return connections.estimatedSize();
    }

    @Override
    public Map<String, Integer> sizeByClient() {
        Map<String, Integer> out = new TreeMap<>();
        connections.cleanUp();
        for (ConnectionKey key : connections.asMap().keySet()) {
            out.merge(key.clientId(), 1, Integer::sum);
        }
        return out;
    }

    private static void onRemoval(ConnectionKey key, CompletableFuture<Connection> future, RemovalCause cause) {
        if (future != null) {
            future.thenAccept(connection -> {
                LOG.debug("closing connection client={} cause={}", key.clientId(), cause);
                connection.close();
            });
        }
    }

    @Override
    public void close() {
        connections.invalidateAll();
        connections.cleanUp();
    }
}
