package dev.redisconnector.core.execution;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.PipelineResult;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.pubsub.MessageListener;
import dev.redisconnector.core.pubsub.Subscription;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.spi.RedisService;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands with Lettuce on one multiplexed connection per (service, service version, credentials version)
 * and lane; standalone, through Sentinel, or on a Redis Cluster (routed by the key positions of the server's own
 * command table; redirects followed; topology refreshed).
 *
 * <p>A connection is opened on first use, shared by every user of the client, closed after
 * {@link ConnectorOptions#connectionIdleTimeout()} without use, and closed as soon as a newer version of the same
 * client's service or credentials is used. Commands are never replayed after a reconnect (at most once), and while a
 * connection is down commands fail at once instead of queueing. Thread-safe.
 */
public final class LettuceCommandExecutor implements CommandExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceCommandExecutor.class);

    private final ConnectorOptions options;
    private final ClientResources resources;
    private final boolean ownsResources;
    private final ConnectionOpener opener;
    private final Cache<ConnectionKey, CompletableFuture<RedisHandle>> connections;
    private final Map<String, Versions> currentVersions = new ConcurrentHashMap<>();
    private final IntSupplier laneSelector;
    private final CommandTables commandTables;
    private final DedicatedConnections dedicated;
    private final AtomicInteger openStreams =
            new AtomicInteger();
    private final SentinelWatches sentinelWatches;

    /** An executor with its own Netty resources. */
    public LettuceCommandExecutor(ConnectorOptions options) {
        this(options, configure(DefaultClientResources.builder(), options, null).build(), true, () -> 0);
    }

    /**
     * Prepares Netty resources for this executor: the host policy on every address a connection resolves (SSRF
     * protection), the guard that keeps huge values out of memory, then {@code extra} on each channel. Resources
     * given to an executor must be built this way; the executor refuses others.
     */
    public static ClientResources.Builder configure(ClientResources.Builder builder, ConnectorOptions options,
                                                    Consumer<Channel> extra) {
        return builder.nettyCustomizer(nettyCustomizer(options, extra))
                .addressResolverGroup(new CheckedAddressResolverGroup(
                        DefaultClientResources.DEFAULT_ADDRESS_RESOLVER_GROUP, options.hostPolicy()));
    }

    /**
     * The Netty customizer every connection of the connector needs (the {@link ReplySizeGuard} that keeps a huge
     * value out of memory), followed by {@code extra} when given. Callers that build their own
     * {@link ClientResources} must set it.
     */
    public static NettyCustomizer nettyCustomizer(
            ConnectorOptions options, Consumer<Channel> extra) {
        long limit = options.maxReplyBytes();
        return new NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                ReplySizeGuard.install(channel.pipeline(), limit);
                if (extra != null) {
                    extra.accept(channel);
                }
            }
        };
    }

    /** An executor on shared Netty resources, which the caller closes. */
    public LettuceCommandExecutor(ConnectorOptions options, ClientResources resources) {
        this(options, resources, false, () -> 0);
    }

    /**
     * An executor on shared Netty resources with connection lanes: each distinct value of {@code laneSelector}
     * (evaluated on the calling thread) gets its own connection per service. A server whose event loops run both
     * HTTP and Redis uses the event loop's index, so a request never leaves its thread.
     */
    public LettuceCommandExecutor(ConnectorOptions options, ClientResources resources, IntSupplier laneSelector) {
        this(options, resources, false, laneSelector);
    }

    private LettuceCommandExecutor(ConnectorOptions options, ClientResources resources, boolean ownsResources,
                                   IntSupplier laneSelector) {
        if (!(resources.addressResolverGroup() instanceof CheckedAddressResolverGroup)) {
            throw new IllegalArgumentException("build the client resources with LettuceCommandExecutor.configure(...):"
                    + " they must check every address against the host policy");
        }
        this.options = options;
        this.resources = resources;
        this.ownsResources = ownsResources;
        this.laneSelector = laneSelector;
        this.opener = new ConnectionOpener(options, resources);
        this.connections = Caffeine.newBuilder()
                .expireAfterAccess(options.connectionIdleTimeout())
                .scheduler(Scheduler.systemScheduler())
                .executor(Runnable::run)
                .removalListener(this::onRemoval)
                .build();
        this.commandTables = new CommandTables(this::connection, this::commandTimeout);
        this.sentinelWatches = new SentinelWatches(opener::watchSentinels, this::closeDataConnections);
        this.dedicated = new DedicatedConnections(options.dedicatedPoolSize(), options.dedicatedWait(),
                options.connectionIdleTimeout());
    }

    @Override
    public CompletionStage<Reply> execute(ExecutionTarget target, VerifiedCommand command, Duration timeout) {
        ConnectorException fenced = failoverFence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        if (options.connectionPerRequest()) {
            return executeOnNewConnection(target, command, timeout);
        }
        CompletableFuture<RedisHandle> handle = connection(target);
        String clientId = target.service().clientId();
        if (handle.isDone() && !handle.isCompletedExceptionally()) {
            return dispatch(handle.join(), command, timeout, clientId);
        }
        return handle.thenCompose(open -> dispatch(open, command, timeout, clientId));
    }

    @Override
    public CompletionStage<Reply> executeSplitAcrossSlots(ExecutionTarget target, VerifiedCommand command,
                                                          Duration timeout) {
        if (target.service().mode() != RedisService.Mode.CLUSTER || !command.name().equals("MSET")) {
            return execute(target, command, timeout);
        }
        String clientId = target.service().clientId();
        return connection(target).thenCompose(handle -> ClusterSpan.msetBySlot(
                (StatefulRedisClusterConnection<byte[], byte[]>) handle.connection(), command, timeout, clientId));
    }

    /** Waits for the connection once, then sends every command in order (dependents of one future run LIFO). */
    @Override
    public CompletionStage<List<CompletionStage<Reply>>> executeAll(ExecutionTarget target,
                                                                   List<VerifiedCommand> commands, Duration timeout) {
        ConnectorException fenced = failoverFence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        if (options.connectionPerRequest()) {
            return CommandExecutor.super.executeAll(target, commands, timeout);
        }
        String clientId = target.service().clientId();
        return connection(target).thenApply(handle -> {
            List<CompletionStage<Reply>> outcomes = new ArrayList<>(commands.size());
            for (VerifiedCommand command : commands) {
                outcomes.add(dispatch(handle, command, timeout, clientId));
            }
            return outcomes;
        });
    }

    /**
     * Runs a blocking command on one of the service's dedicated connections. The connection goes back to the pool
     * when the command was answered; after a timeout or a lost connection it is closed.
     */
    @Override
    public CompletionStage<Reply> executeBlocking(ExecutionTarget target, VerifiedCommand command, Duration blocksFor,
                                                  Duration timeout) {
        ConnectorException fenced = failoverFence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        String clientId = target.service().clientId();
        Duration total = blocksFor.plus(timeout);
        return dedicated(target).thenCompose(lease -> dispatch(lease.handle(), command, total, clientId)
                .whenComplete((reply, failure) -> lease.release(failure == null || answered(failure))));
    }

    /**
     * Subscribes on a connection of its own to {@code channels} (or patterns). The stage completes once Redis
     * confirmed the subscription; it fails with the codes of {@link #execute}.
     */
    @Override
    public CompletionStage<Subscription> subscribe(
            ExecutionTarget target, List<byte[]> channels, boolean pattern,
            MessageListener listener) {
        return PubSubConnections.subscribe(opener, target, channels, pattern, listener,
                connectTimeout(target.service()), commandTimeout(target.service()), openStreams);
    }

    /** Subscriptions open right now. */
    public int openSubscriptions() {
        return openStreams.get();
    }

    /** Runs a transaction on one of the service's dedicated connections. See {@link Transaction}. */
    @Override
    public CompletionStage<List<PipelineResult>> executeTransaction(
            ExecutionTarget target, List<byte[]> watch, List<VerifiedCommand> commands, Duration timeout) {
        ConnectorException fenced = failoverFence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        String clientId = target.service().clientId();
        return dedicated(target).thenCompose(lease -> new Transaction(lease, watch, commands, timeout, clientId,
                options.maxReplyBytes()).run());
    }

    private CompletableFuture<DedicatedConnections.Lease> dedicated(ExecutionTarget target) {
        RedisService service = target.service();
        Versions versions = currentVersions(target);
        return dedicated.acquire(new ServiceKey(service.clientId(), versions), key -> open(target));
    }

    /** Whether a failure still means Redis answered (the connection's state is known). */
    private static boolean answered(Throwable failure) {
        Throwable cause = ConnectorException.unwrap(failure);
        return cause instanceof ConnectorException e
                && (e.code() == ErrorCode.REDIS_ERROR
                || e.code() == ErrorCode.RESULT_TOO_LARGE);
    }

    /** Values over the reply limit dropped as they arrived, since start (see {@link ReplySizeGuard}). */
    public static long droppedValues() {
        return ReplySizeGuard.droppedValues();
    }

    /**
     * Per client: shared connections, dedicated connections in use and dedicated connections open, as
     * {@code {shared, dedicatedInUse, dedicatedOpen}} (for per-client metrics, which the operator turns on).
     */
    public Map<String, int[]> connectionsByClient() {
        Map<String, int[]> out = new TreeMap<>();
        connections.cleanUp();
        for (ConnectionKey key : connections.asMap().keySet()) {
            out.computeIfAbsent(key.clientId(), ignored -> new int[3])[0]++;
        }
        dedicated.usageByClient().forEach((clientId, usage) -> {
            int[] counts = out.computeIfAbsent(clientId, ignored -> new int[3]);
            counts[1] += usage[0];
            counts[2] += usage[1];
        });
        return out;
    }

    /** Dedicated connections leased right now (blocking commands and transactions in progress). */
    public int dedicatedInUse() {
        return dedicated.leased();
    }

    /** Dedicated connections open, leased or idle. */
    public int dedicatedOpen() {
        return dedicated.open();
    }

    /**
     * Sends {@code SCRIPT KILL} or {@code FUNCTION KILL} on a new connection. Redis reads it only once the script has
     * run for its {@code busy-reply-threshold} (5 s by default), so the kill waits up to that long plus the command
     * timeout.
     */
    @Override
    public void stopRunawayScript(ExecutionTarget target, boolean function) {
        String clientId = target.service().clientId();
        VerifiedCommand kill = new VerifiedCommand(function ? "FUNCTION" : "SCRIPT",
                List.of("KILL".getBytes(StandardCharsets.US_ASCII)));
        Duration wait = commandTimeout(target.service()).plus(RUNAWAY_KILL_WAIT);
        open(target).thenCompose(handle -> dispatch(handle, kill, wait, clientId)
                        .whenComplete((reply, failure) -> handle.close()))
                .whenComplete((reply, failure) -> {
                    if (failure == null) {
                        LOG.warn("runaway script stopped client={} command={}", clientId, kill.name() + " KILL");
                    } else {
                        Throwable cause = ConnectorException.unwrap(failure);
                        LOG.warn("runaway script not stopped client={} reason={}", clientId, cause.getMessage());
                    }
                });
    }

    /** How long a kill may wait for Redis to start answering during a busy script. */
    private static final Duration RUNAWAY_KILL_WAIT = Duration.ofSeconds(6);

    /** The benchmark's naive baseline: connect, run, close. */
    private CompletionStage<Reply> executeOnNewConnection(ExecutionTarget target, VerifiedCommand command,
                                                          Duration timeout) {
        return open(target).thenCompose(handle -> dispatch(handle, command, timeout, target.service().clientId())
                .whenComplete((reply, failure) -> handle.close()));
    }

    /**
     * Opens a fresh connection to the target (never the shared one) and reports what it finds; fails with the same
     * codes as {@link #execute}. See {@link ConnectionReport}.
     */
    public CompletionStage<ConnectionReport> testConnection(ExecutionTarget target) {
        Duration timeout = commandTimeout(target.service());
        return open(target).thenCompose(handle -> new ConnectionProbe(this, opener, handle, target, timeout).run()
                .whenComplete((report, failure) -> handle.close()));
    }

    /** Opens a connection with this executor's timeouts, failing with a connector error. */
    CompletableFuture<RedisHandle> open(ExecutionTarget target) {
        RedisService service = target.service();
        Duration connectTimeout = connectTimeout(service);
        CompletableFuture<RedisHandle> result = new CompletableFuture<>();
        CompletableFuture<RedisHandle> attempt;
        try {
            attempt = opener.open(target);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((handle, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ExecutionErrors.connectFailure(failure, service.clientId(),
                        connectTimeout));
            } else if (!result.complete(handle)) {
                handle.close();
            }
        });
        CompletableFuture.delayedExecutor(connectTimeout.toMillis() + (service.mode() == RedisService.Mode.CLUSTER
                ? commandTimeout(service).toMillis() * 2 : 0), TimeUnit.MILLISECONDS).execute(() -> {
                    if (!result.isDone()) {
                        result.completeExceptionally(ExecutionErrors.connectFailure(
                                new TimeoutException(), service.clientId(), connectTimeout));
                    }
                });
        return result;
    }

    private Duration connectTimeout(RedisService service) {
        return service.connectTimeout() != null ? service.connectTimeout() : options.connectTimeout();
    }

    private Duration commandTimeout(RedisService service) {
        return service.commandTimeout() != null ? service.commandTimeout() : options.commandTimeout();
    }

    private ConnectorException failoverFence(ExecutionTarget target) {
        return sentinelWatches.fence(target);
    }

    /** Closes a client's command connections, shared and dedicated (its master moved); the next use reconnects. */
    private void closeDataConnections(String clientId) {
        dedicated.closeClient(clientId);
        connections.asMap().keySet().removeIf(key -> key.clientId().equals(clientId));
    }

    /** Closes every connection of a client at once (its service or credentials changed or were deleted). */
    public void closeConnections(String clientId) {
        sentinelWatches.forget(clientId);
        currentVersions.remove(clientId);
        commandTables.forgetClient(clientId);
        dedicated.closeClient(clientId);
        connections.asMap().keySet().removeIf(key -> key.clientId().equals(clientId));
    }

    /** Number of open or opening connections (for tests and metrics). */
    public long connectionCount() {
        connections.cleanUp();
        return connections.estimatedSize();
    }

    /** Runs a command on an open connection; on a cluster, routes it by its first key. */
    CompletableFuture<Reply> dispatch(RedisHandle handle, VerifiedCommand command, Duration timeout,
                                      String clientId) {
        if (!handle.isCluster()) {
            return send(handle.connection(), command, -1, timeout, clientId, options.maxReplyBytes());
        }
        if (ClusterSpan.handles(command)) {
            return ClusterSpan.run((StatefulRedisClusterConnection<byte[], byte[]>) handle.connection(), command,
                    timeout, clientId);
        }
        Optional<List<byte[]>> keys = handle.commandTable().keys(command);
        if (keys.isPresent()) {
            int keyIndex = keys.get().isEmpty() ? -1 : indexOf(command, keys.get().getFirst());
            List<byte[]> found = keys.get();
            return send(handle.connection(), command, keyIndex, timeout, clientId, options.maxReplyBytes())
                    .exceptionallyCompose(failure -> {
                        // a multi-key command over several slots: say which key is in which slot
                        if (ConnectorException.unwrap(failure) instanceof ConnectorException e
                                && e.getMessage().startsWith("CROSSSLOT") && found.size() > 1) {
                            return CompletableFuture.failedFuture(new ConnectorException(e.code(), e.getMessage()
                                    + " Keys by slot: " + ClusterSpan.slotsOf(found) + ".", e));
                        }
                        return CompletableFuture.failedFuture(ConnectorException.unwrap(failure));
                    });
        }
        if (handle.commandTable().spec(command).isEmpty()) {
            // not in the server's table: almost every command has its key first
            return send(handle.connection(), command, command.args().isEmpty() ? -1 : 0, timeout, clientId,
                    options.maxReplyBytes());
        }
        List<byte[]> getKeys = new ArrayList<>(command.args().size() + 2);
        getKeys.add("GETKEYS".getBytes(StandardCharsets.US_ASCII));
        getKeys.add(command.name().getBytes(StandardCharsets.US_ASCII));
        getKeys.addAll(command.args());
        return send(handle.connection(), new VerifiedCommand("COMMAND", getKeys), -1, timeout, clientId,
                options.maxReplyBytes())
                .exceptionally(noKeys -> Reply.NullReply.INSTANCE)
                .thenCompose(found -> send(handle.connection(), command, firstKeyAt(command, found), timeout,
                        clientId, options.maxReplyBytes()));
    }

    private static int indexOf(VerifiedCommand command, byte[] key) {
        for (int i = 0; i < command.args().size(); i++) {
            if (command.args().get(i) == key) {
                return i;
            }
        }
        return -1;
    }

    private static int firstKeyAt(VerifiedCommand command, Reply keys) {
        if (keys instanceof Reply.ArrayReply array && !array.elements().isEmpty()
                && array.elements().getFirst() instanceof Reply.StringReply first) {
            for (int i = 0; i < command.args().size(); i++) {
                if (Arrays.equals(command.args().get(i), first.bytes())) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The command table of the target's server (see {@link CommandTables}). */
    @Override
    public CompletionStage<CommandCatalog> catalog(ExecutionTarget target) {
        return commandTables.of(target);
    }

    /**
     * Sends one command. {@code keyIndex} marks the argument Lettuce routes a cluster command by ({@code < 0}: none).
     * The future completes with the reply or fails with a {@code ConnectorException}, never wrapped.
     */
    static CompletableFuture<Reply> send(StatefulConnection<byte[], byte[]> connection, VerifiedCommand command,
                                         int keyIndex, Duration timeout, String clientId, long maxReplyBytes) {
        ReplyOutput output = new ReplyOutput(maxReplyBytes);
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
        List<byte[]> values = command.args();
        for (int i = 0; i < values.size(); i++) {
            if (i == keyIndex) {
                args.addKey(values.get(i));
            } else {
                args.add(values.get(i));
            }
        }
        Commands.TimedCommand timed = new Commands.TimedCommand(
                new Command<>(new Commands.Keyword(command.name()), output, args), output, timeout, clientId,
                maxReplyBytes);
        try {
            connection.dispatch(timed);
        } catch (RuntimeException e) {
            timed.completeExceptionally(e);
        }
        return timed;
    }

    /** The target's versions; the first use of a newer version closes the connections of older ones. */
    private Versions currentVersions(ExecutionTarget target) {
        RedisService service = target.service();
        Versions versions = new Versions(service.serviceId(), service.version(), target.credentials().version());
        Versions current = currentVersions.get(service.clientId());
        if (!versions.equals(current)) {
            Versions previous = currentVersions.put(service.clientId(), versions);
            if (previous != null && !previous.equals(versions)) {
                connections.asMap().keySet().removeIf(key -> key.clientId().equals(service.clientId())
                        && !key.versions().equals(versions));
                dedicated.retainOnly(service.clientId(), versions);
            }
        }
        return versions;
    }

    private CompletableFuture<RedisHandle> connection(ExecutionTarget target) {
        RedisService service = target.service();
        Versions versions = currentVersions(target);
        // a cluster connection already spreads over many nodes: one per service is enough
        int lane = service.mode() == RedisService.Mode.CLUSTER ? 0 : laneSelector.getAsInt();
        ConnectionKey key = new ConnectionKey(service.clientId(), versions, lane);
        CompletableFuture<RedisHandle> existing = connections.getIfPresent(key);
        if (existing != null) {
            return existing;
        }
        return connections.get(key, k -> {
            CompletableFuture<RedisHandle> opened = open(target);
            // async: a synchronous failure must not touch the cache from inside its own compute
            opened.whenCompleteAsync((handle, failure) -> {
                if (failure != null) {
                    connections.asMap().remove(k, opened);
                    LOG.info("connect failed client={} service={} reason={} cause={}", service.clientId(),
                            service.serviceId(), failure.getMessage(), causeChain(failure));
                }
            });
            return opened;
        });
    }

    /** The types along a failure's cause chain, for logs (types only: messages may hold addresses). */
    static String causeChain(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        Throwable current = failure.getCause();
        for (int depth = 0; current != null && depth < 8; depth++, current = current.getCause()) {
            chain.append(depth == 0 ? "" : " > ").append(current.getClass().getSimpleName());
        }
        return chain.isEmpty() ? "none" : chain.toString();
    }

    private void onRemoval(ConnectionKey key, CompletableFuture<RedisHandle> future, RemovalCause cause) {
        if (future != null) {
            future.thenAccept(handle -> {
                LOG.debug("closing connection client={} cause={}", key.clientId(), cause);
                handle.close();
            });
        }
    }

    @Override
    public void close() {
        sentinelWatches.close();
        dedicated.close();
        connections.invalidateAll();
        connections.cleanUp();
        opener.shutdown();
        if (ownsResources) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** Identity of one shared connection. */
    record ConnectionKey(String clientId, Versions versions, int lane) {
    }

    /** One version of one client's service: what its dedicated-connection pool belongs to. */
    record ServiceKey(String clientId, Versions versions) {
    }

    /** What a connection was opened for: a change of any part means a new connection. */
    record Versions(String serviceId, long serviceVersion, long credentialsVersion) {
    }
}
