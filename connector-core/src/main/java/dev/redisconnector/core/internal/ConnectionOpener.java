package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.execution.RespProtocol;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to a service in each mode: standalone, through its sentinels to the current master, or to a
 * cluster (loading the server's command table for key routing). Services with their own TLS trust anchors or client
 * certificate, and clusters, get a client of their own on the shared Netty resources. Thread-safe.
 */
final class ConnectionOpener {

    private final ConnectorOptions options;
    private final ClientResources resources;
    private final RedisClient sharedClient;
    /** The shared client of connections that speak RESP2 only (made on first use: most servers never need one). */
    private volatile RedisClient sharedResp2Client;

    ConnectionOpener(ConnectorOptions options, ClientResources resources) {
        this.options = options;
        this.resources = resources;
        this.sharedClient = RedisClient.create(resources);
        this.sharedClient.setOptions(clientOptions(null, RespProtocol.RESP3));
    }

    /** Opens a connection; the future fails with whatever Lettuce raised (the caller maps it). */
    CompletableFuture<RedisHandle> open(ExecutionTarget target) {
        return onceMoreIfClosedInHandshake(target, () -> withSsl(target,
                ssl -> open(target.service(), target.credentials(), ssl, target.protocol())));
    }

    /**
     * Runs {@code attempt}, and once more when a plain-text connection was closed during its handshake. Lettuce closes
     * the channel after a refused login and reports the refusal when the close completes; when the channel's
     * inactivity is handled first it reports "connection closed prematurely" (or "handshake handler not registered")
     * instead, and the user would read "could not connect" for a wrong password (about 1 in 1,500 refused logins,
     * more often on a client's first connections). Nothing but the
     * handshake was sent, so trying again is safe; a server that really closes (a TLS port) fails twice.
     */
    private <T> CompletableFuture<T> onceMoreIfClosedInHandshake(ExecutionTarget target,
                                                                  Supplier<CompletableFuture<T>> attempt) {
        boolean tls = target.service().tls().enabled();
        return attempt.get().handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            return ExecutionErrors.closedDuringHandshake(failure, tls) ? attempt.get()
                    : CompletableFuture.<T>failedFuture(failure);
        }).thenCompose(Function.identity());
    }

    /** The shared client for {@code protocol}. */
    private RedisClient shared(RespProtocol protocol) {
        if (protocol == RespProtocol.RESP3) {
            return sharedClient;
        }
        RedisClient client = sharedResp2Client;
        if (client == null) {
            synchronized (this) {
                client = sharedResp2Client;
                if (client == null) {
                    client = RedisClient.create(resources);
                    client.setOptions(clientOptions(null, RespProtocol.RESP2));
                    sharedResp2Client = client;
                }
            }
        }
        return client;
    }

    /** {@code open} with the target's own TLS material ({@code null}: none), or a failed future when it is unusable. */
    private <T> CompletableFuture<T> withSsl(ExecutionTarget target, Function<SslOptions, CompletableFuture<T>> open) {
        SslOptions ssl;
        try {
            ssl = ownSsl(target);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return open.apply(ssl);
    }

    private CompletableFuture<RedisHandle> open(RedisService service, RedisCredentials credentials, SslOptions ssl,
                                                RespProtocol protocol) {
        if (service.mode() == RedisService.Mode.CLUSTER) {
            return openCluster(service, credentials, ssl, protocol);
        }
        RedisClient own = ownClient(ssl, protocol);
        RedisClient client = own != null ? own : shared(protocol);
        CompletableFuture<RedisHandle> opened = client.connectAsync(ByteArrayCodec.INSTANCE, uri(service, credentials))
                .toCompletableFuture()
                .thenApply(connection -> new RedisHandle(connection, own, null));
        return shutdownOnFailure(opened, own);
    }

    /**
     * Opens a pub/sub connection (never shared): to the standalone server, the sentinels' master, or a cluster (whose
     * nodes forward every published message). Fails with whatever Lettuce raised.
     */
    CompletableFuture<PubSubHandle> openPubSub(ExecutionTarget target) {
        return onceMoreIfClosedInHandshake(target, () -> withSsl(target, ssl -> openPubSub(target, ssl)));
    }

    private CompletableFuture<PubSubHandle> openPubSub(ExecutionTarget target, SslOptions ssl) {
        RedisService service = target.service();
        RedisCredentials credentials = target.credentials();
        if (service.mode() == RedisService.Mode.CLUSTER) {
            RedisClusterClient cluster = clusterClient(service, credentials);
            cluster.setOptions(ClusterClientOptions.builder(clientOptions(ssl, target.protocol())).build());
            CompletableFuture<PubSubHandle> opened = cluster.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(loaded -> cluster.connectPubSubAsync(ByteArrayCodec.INSTANCE))
                    .thenApply(connection -> new PubSubHandle(connection, cluster));
            return shutdownOnFailure(opened, cluster);
        }
        RedisClient own = ownClient(ssl, target.protocol());
        RedisClient client = own != null ? own : shared(target.protocol());
        CompletableFuture<PubSubHandle> opened = client.connectPubSubAsync(ByteArrayCodec.INSTANCE,
                        uri(service, credentials)).toCompletableFuture()
                .thenApply(connection -> new PubSubHandle(connection, own));
        return shutdownOnFailure(opened, own);
    }

    /**
     * Subscribes {@code watch} to the failover events of every sentinel of a Sentinel service (each on a connection of
     * its own, checked by the host policy like any other). A sentinel that cannot be reached is logged and skipped;
     * Lettuce reconnects and resubscribes the others by itself.
     */
    void watchSentinels(ExecutionTarget target, SentinelWatch watch) {
        SslOptions ssl;
        try {
            ssl = ownSsl(target);
        } catch (IllegalArgumentException e) {
            return;
        }
        RedisClient own = ownClient(ssl, RespProtocol.RESP3);
        RedisClient client = own != null ? own : sharedClient;
        if (own != null) {
            watch.ownClient(own);
        }
        for (RedisURI sentinel : uri(target.service(), target.credentials()).getSentinels()) {
            client.connectPubSubAsync(StringCodec.UTF8, sentinel).toCompletableFuture()
                    .whenComplete((connection, failure) -> {
                        if (failure != null) {
                            LoggerFactory.getLogger(SentinelWatch.class).warn("sentinel events unavailable"
                                    + " client={} sentinel={}:{} cause={}", target.service().clientId(),
                                    sentinel.getHost(), sentinel.getPort(), failure.getClass().getSimpleName());
                        } else {
                            watch.watch(connection);
                        }
                    });
        }
    }

    /** The TLS options a target needs of its own (its CA or client certificate), or {@code null}. */
    private static SslOptions ownSsl(ExecutionTarget target) {
        return TlsMaterial.needsOwnOptions(target.service(), target.credentials())
                ? TlsMaterial.sslOptions(target.service(), target.credentials()) : null;
    }

    /** A client of its own for {@code ssl}, or {@code null} when the shared client serves. */
    private RedisClient ownClient(SslOptions ssl, RespProtocol protocol) {
        if (ssl == null) {
            return null;
        }
        RedisClient client = RedisClient.create(resources);
        client.setOptions(clientOptions(ssl, protocol));
        return client;
    }

    /** A cluster client seeded with the service's nodes (the caller sets its options). */
    private RedisClusterClient clusterClient(RedisService service, RedisCredentials credentials) {
        List<RedisURI> seeds = new ArrayList<>();
        for (RedisService.Address node : service.nodes()) {
            seeds.add(nodeUri(service, credentials, node.host(), node.port(), 0).build());
        }
        return RedisClusterClient.create(resources, seeds);
    }

    /** A pub/sub connection and the client that exists only for it, if any. */
    record PubSubHandle(StatefulRedisPubSubConnection<byte[], byte[]> connection,
                        AbstractRedisClient ownClient) {
        void close() {
            connection.closeAsync().whenComplete((ignored, failure) -> {
                if (ownClient != null) {
                    ownClient.shutdownAsync(0, 2, TimeUnit.SECONDS);
                }
            });
        }
    }

    private CompletableFuture<RedisHandle> openCluster(RedisService service, RedisCredentials credentials,
                                                       SslOptions ssl, RespProtocol protocol) {
        RedisClusterClient cluster = clusterClient(service, credentials);
        // cluster node connections open on demand: queue (never resend) instead of rejecting while they connect
        cluster.setOptions(ClusterClientOptions.builder(clientOptions(ssl, protocol))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.DEFAULT)
                // the topology is re-read on the failure itself (a node that keeps failing to reconnect, a MOVED or
                // ASK, an uncovered slot), at most once a second, not only on a timer: a replica that took over a
                // dead master is used as soon as the cluster says so
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                        .refreshTriggersReconnectAttempts(1)
                        .build())
                .build());
        // the topology is loaded first, without blocking: connectAsync needs it
        CompletableFuture<RedisHandle> opened = cluster.refreshPartitionsAsync().toCompletableFuture()
                .thenCompose(loaded -> cluster.connectAsync(ByteArrayCodec.INSTANCE))
                .thenCompose(connection -> loadCommandTable(connection, service)
                        .thenApply(table -> new RedisHandle(connection, cluster, table))
                        .whenComplete((handle, failure) -> {
                            if (failure != null) {
                                connection.closeAsync();
                            }
                        }));
        return shutdownOnFailure(opened, cluster);
    }

    private CompletableFuture<CommandCatalog> loadCommandTable(StatefulConnection<byte[], byte[]> connection,
                                                             RedisService service) {
        Duration timeout = service.commandTimeout() != null ? service.commandTimeout() : options.commandTimeout();
        return Dispatch.send(connection, new VerifiedCommand("COMMAND", List.of()), -1,
                timeout.multipliedBy(2), service.clientId(), 64L * 1024 * 1024).thenApply(CommandCatalog::parse);
    }

    private static <T> CompletableFuture<T> shutdownOnFailure(CompletableFuture<T> opened,
                                                              AbstractRedisClient own) {
        if (own != null) {
            opened.whenComplete((handle, failure) -> {
                if (failure != null) {
                    own.shutdownAsync(0, 2, TimeUnit.SECONDS);
                }
            });
        }
        return opened;
    }

    /** The URI of a standalone service, or of its master through the sentinels. */
    static RedisURI uri(RedisService service, RedisCredentials credentials) {
        if (service.mode() != RedisService.Mode.SENTINEL) {
            return nodeUri(service, credentials, service.host(), service.port(), service.database()).build();
        }
        RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(service.masterName());
        for (RedisService.Address sentinel : service.nodes()) {
            RedisURI.Builder sentinelUri = RedisURI.builder().withHost(sentinel.host()).withPort(sentinel.port())
                    .withTimeout(handshakeTimeout(service));
            RedisCredentials.SentinelAuth auth = credentials.sentinel();
            if (auth != null) {
                if (auth.username() != null) {
                    sentinelUri.withAuthentication(auth.username(), auth.password().reveal().toCharArray());
                } else {
                    sentinelUri.withPassword(auth.password().reveal().toCharArray());
                }
            }
            tls(sentinelUri, service);
            builder.withSentinel(sentinelUri.build());
        }
        common(builder, service, credentials, service.database());
        return builder.build();
    }

    private static RedisURI.Builder nodeUri(RedisService service, RedisCredentials credentials, String host, int port,
                                            int database) {
        RedisURI.Builder builder = RedisURI.builder().withHost(host).withPort(port);
        common(builder, service, credentials, database);
        return builder;
    }

    private static void common(RedisURI.Builder builder, RedisService service, RedisCredentials credentials,
                               int database) {
        // the URI timeout bounds the connection handshake (HELLO, AUTH, SELECT); commands carry their own timeouts
        builder.withDatabase(database)
                .withTimeout(handshakeTimeout(service))
                .withClientName("redis-connector:" + service.clientId());
        if (credentials.kind() == RedisCredentials.Kind.PASSWORD) {
            char[] password = credentials.password().reveal().toCharArray();
            if (credentials.username() != null && !credentials.username().isEmpty()) {
                builder.withAuthentication(credentials.username(), password);
            } else {
                builder.withPassword(password);
            }
        }
        tls(builder, service);
    }

    private static void tls(RedisURI.Builder builder, RedisService service) {
        if (service.tls().enabled()) {
            builder.withSsl(true).withVerifyPeer(service.tls().verifyHostname() ? SslVerifyMode.FULL
                    : SslVerifyMode.CA);
        }
    }

    private static Duration handshakeTimeout(RedisService service) {
        return service.connectTimeout() != null ? service.connectTimeout() : ConnectorOptions.DEFAULT_CONNECT_TIMEOUT;
    }

    /**
     * Client options: at-most-once, fail fast while disconnected, per-command timeouts, optional TLS; RESP3 where the
     * server speaks it, or RESP2 only.
     */
    ClientOptions clientOptions(SslOptions ssl, RespProtocol protocol) {
        ClientOptions.Builder builder = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .replayFilter(Commands::neverResend)
                .pingBeforeActivateConnection(true)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(maxConnectTimeout())
                        .keepAlive(true)
                        .tcpNoDelay(true)
                        .build())
                .timeoutOptions(TimeoutOptions.builder()
                        .timeoutCommands(true)
                        .timeoutSource(new Commands.PerCommandTimeout(options.commandTimeout().toMillis()))
                        .build());
        if (ssl != null) {
            builder.sslOptions(ssl);
        }
        if (protocol == RespProtocol.RESP2) {
            builder.protocolVersion(ProtocolVersion.RESP2);
        }
        return builder.build();
    }

    private Duration maxConnectTimeout() {
        Duration floor = Duration.ofSeconds(30);
        return options.connectTimeout().compareTo(floor) > 0 ? options.connectTimeout() : floor;
    }

    /** The shared client (for sentinel lookups in probes). */
    RedisClient sharedClient() {
        return sharedClient;
    }

    void shutdown() {
        sharedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        RedisClient resp2 = sharedResp2Client;
        if (resp2 != null) {
            resp2.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
