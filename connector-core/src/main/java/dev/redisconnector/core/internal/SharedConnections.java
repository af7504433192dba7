package dev.redisconnector.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.redisconnector.core.execution.ConnectionProvider;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.execution.RespProtocol;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.core.spi.Secret;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ConnectionProvider}: one multiplexed connection per Redis identity and lane, shared by every user
 * of the client. A standalone service's identity is what the connection's state is made of: address, database, TLS
 * settings and credentials; clients whose services have the same identity (many tenants of one Redis, told apart by
 * key namespaces) share its connections, so their commands are written and read together instead of one socket
 * round trip each. A Sentinel or Cluster service's identity is the client's service and credentials versions. A
 * connection is opened on first use (concurrent first uses share the attempt) and closed after the idle timeout; a
 * client-owned one is also closed as soon as a newer version of that client's service or credentials is used (a
 * shared one is left to the clients still on it); a failed attempt is forgotten, so the next command tries again. A
 * cluster connection already spreads over many nodes, so a cluster service has one connection whatever the lane.
 * Thread-safe.
 */
final class SharedConnections implements ConnectionProvider {

    private static final Logger LOG = LoggerFactory.getLogger(SharedConnections.class);

    /**
     * Identity of one shared connection: {@code clientId} and {@code versions} for a client's own (Sentinel,
     * Cluster), {@code endpoint} for one clients share (standalone; then {@code clientId} is the client that opened
     * it, for metrics).
     */
    private record ConnectionKey(String clientId, Versions versions, Endpoint endpoint, int lane) {

        @Override
        public boolean equals(Object other) {
            // a RESP2 connection's lane is negative (see key): protocols never share a connection
            return other instanceof ConnectionKey that && lane == that.lane && (endpoint != null
                    ? endpoint.equals(that.endpoint)
                    : that.endpoint == null && clientId.equals(that.clientId) && versions.equals(that.versions));
        }

        @Override
        public int hashCode() {
            return endpoint != null ? endpoint.hashCode() * 31 + lane : (clientId.hashCode() * 31
                    + versions.hashCode()) * 31 + lane;
        }
    }

    /** One instance per equal key, so the map finds a client's key by reference (no secret compared per request). */
    private final Map<ConnectionKey, ConnectionKey> interned = new ConcurrentHashMap<>();

    /** What a standalone connection's state is made of; equal endpoints can share connections. */
    private record Endpoint(String host, int port, int database, RedisService.TlsSettings tls,
                            RedisCredentials.Kind kind, String username, Secret password,
                            RedisCredentials.ClientCertificate clientCertificate) {

        static Endpoint of(ExecutionTarget target) {
            RedisService service = target.service();
            RedisCredentials credentials = target.credentials();
            return new Endpoint(service.host(), service.port(), service.database(), service.tls(), credentials.kind(),
                    credentials.username(), credentials.password(), credentials.clientCertificate());
        }
    }

    /** A client's keys, kept while the registry hands out the same service and credentials objects. */
    private record Memo(RedisService service, RedisCredentials credentials, Versions versions, Endpoint endpoint,
                        AtomicReferenceArray<ConnectionKey> byLane,
                        AtomicReference<AtomicReferenceArray<ConnectionKey>> resp2ByLane) {

        /** The keys of one protocol; RESP2's are made on first use (most clients never speak it). */
        AtomicReferenceArray<ConnectionKey> lanes(boolean resp2) {
            if (!resp2) {
                return byLane;
            }
            AtomicReferenceArray<ConnectionKey> lanes = resp2ByLane.get();
            if (lanes == null) {
                resp2ByLane.compareAndSet(null, new AtomicReferenceArray<>(LANES));
                lanes = resp2ByLane.get();
            }
            return lanes;
        }
    }

    private final Map<String, Memo> memos = new ConcurrentHashMap<>();

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
                .removalListener(this::onRemoval)
                .build();
    }

    @Override
    public CompletableFuture<Connection> acquire(ExecutionTarget target, Opener opener) {
        RedisService service = target.service();
        int lane = service.mode() == RedisService.Mode.CLUSTER ? 0 : laneSelector.getAsInt();
        ConnectionKey key = key(target, lane);
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

    /** The key of the target's connection on {@code lane}, made once per client and service/credentials objects. */
    private ConnectionKey key(ExecutionTarget target, int lane) {
        RedisService service = target.service();
        Memo memo = memos.get(service.clientId());
        if (memo == null || memo.service() != service || memo.credentials() != target.credentials()) {
            Versions versions = current(target);
            memo = new Memo(service, target.credentials(), versions,
                    service.mode() == RedisService.Mode.STANDALONE ? Endpoint.of(target) : null,
                    new AtomicReferenceArray<>(LANES), new AtomicReference<>());
            Memo previous = memos.put(service.clientId(), memo);
            if (previous != null && previous.endpoint() != null && !previous.endpoint().equals(memo.endpoint())) {
                closeIfUnused(previous.endpoint());
            }
        }
        boolean resp2 = target.protocol() == RespProtocol.RESP2;
        int keyLane = resp2 ? -1 - lane : lane;
        if (lane < 0 || lane >= LANES) {
            return new ConnectionKey(service.clientId(), memo.endpoint() == null ? memo.versions() : null,
                    memo.endpoint(), keyLane);
        }
        AtomicReferenceArray<ConnectionKey> lanes = memo.lanes(resp2);
        ConnectionKey key = lanes.get(lane);
        if (key == null) {
            key = interned.computeIfAbsent(new ConnectionKey(service.clientId(),
                    memo.endpoint() == null ? memo.versions() : null, memo.endpoint(), keyLane), made -> made);
            lanes.compareAndSet(lane, null, key);
            key = lanes.get(lane);
        }
        return key;
    }

    /**
     * Lanes whose keys are kept per client and protocol (event loops; more lanes still work, with a key made per call).
     * A client's memo keeps its RESP3 keys, and its RESP2 keys once it has any, one array each.
     */
    private static final int LANES = 64;

    /** The target's versions; the first use of a newer version closes the client's own connections of older ones. */
    private Versions current(ExecutionTarget target) {
        Versions versions = Versions.of(target);
        String clientId = target.service().clientId();
        Versions known = currentVersions.get(clientId);
        if (!versions.equals(known)) {
            Versions previous = currentVersions.put(clientId, versions);
            if (previous != null && !previous.equals(versions)) {
                connections.asMap().keySet().removeIf(key -> key.endpoint() == null
                        && key.clientId().equals(clientId) && !key.versions().equals(versions));
            }
        }
        return versions;
    }

    /** Closes the client's own connections (a shared one stays for the clients still on it). */
    @Override
    public void closeClient(String clientId) {
        connections.asMap().keySet().removeIf(key -> key.endpoint() == null && key.clientId().equals(clientId));
    }

    /** Forgets a client entirely (its service or credentials changed or were deleted). */
    void forget(String clientId) {
        currentVersions.remove(clientId);
        Memo memo = memos.remove(clientId);
        if (memo != null && memo.endpoint() != null) {
            closeIfUnused(memo.endpoint());
        }
        closeClient(clientId);
    }

    /** Closes a shared endpoint's connections once no client is on it any more (its last one moved or left). */
    private void closeIfUnused(Endpoint endpoint) {
        for (Memo other : memos.values()) {
            if (endpoint.equals(other.endpoint())) {
                return;
            }
        }
        connections.asMap().keySet().removeIf(key -> endpoint.equals(key.endpoint()));
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

    private void onRemoval(ConnectionKey key, CompletableFuture<Connection> future, RemovalCause cause) {
        if (key != null && cause != RemovalCause.REPLACED) {
            interned.remove(key, key);
        }
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
