package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.PipelineResult;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ConnectionProvider;
import dev.redisconnector.core.execution.ConnectionReport;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.execution.ExecutorStats;
import dev.redisconnector.core.pubsub.MessageListener;
import dev.redisconnector.core.pubsub.Subscription;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.spi.RedisService;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce {@link CommandExecutor}: asks a {@link ConnectionProvider} which connection a command runs on
 * ({@link SharedConnections} unless another is plugged in), dedicated pools for blocking commands and transactions
 * ({@link DedicatedConnections}), connections of their own for subscriptions ({@link PubSubConnections}), and runs
 * commands with {@link Dispatch}. Standalone, through Sentinel (writes fenced during a failover,
 * {@link SentinelWatches}), or on a Redis Cluster. Commands are never replayed after a reconnect (at most once), and
 * while a connection is down commands fail at once instead of queueing. Thread-safe.
 */
public final class LettuceCommandExecutor implements CommandExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceCommandExecutor.class);

    /** How long a kill may wait for Redis to start answering during a busy script. */
    private static final Duration RUNAWAY_KILL_WAIT = Duration.ofSeconds(6);

    private final ConnectorOptions options;
    private final ClientResources resources;
    private final boolean ownsResources;
    private final ConnectionOpener opener;
    private final SharedConnections shared;
    private final ConnectionProvider provider;
    private final boolean releases;
    private final CommandTables commandTables;
    private final DedicatedConnections dedicated;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final SentinelWatches sentinelWatches;

    /** An executor with its own Netty resources and the shared provider. */
    public static LettuceCommandExecutor create(ConnectorOptions options) {
        return new LettuceCommandExecutor(options, configure(DefaultClientResources.builder(), options, null).build(),
                true, () -> 0, null);
    }

    /** See {@link dev.redisconnector.core.execution.LettuceExecutors#create(ConnectorOptions, ClientResources,
     * IntSupplier, ConnectionProvider)}. */
    public static LettuceCommandExecutor create(ConnectorOptions options, ClientResources resources,
                                                IntSupplier laneSelector, ConnectionProvider provider) {
        return new LettuceCommandExecutor(options, resources, false, laneSelector, provider);
    }

    /** See {@link dev.redisconnector.core.execution.LettuceExecutors#configure}. */
    public static ClientResources.Builder configure(ClientResources.Builder builder, ConnectorOptions options,
                                                    Consumer<Channel> extra) {
        return builder.nettyCustomizer(nettyCustomizer(options, extra))
                .timer(commandTimer())
                .addressResolverGroup(new CheckedAddressResolverGroup(
                        DefaultClientResources.DEFAULT_ADDRESS_RESOLVER_GROUP, options.hostPolicy()));
    }

    /**
     * The timer of the commands' timeouts: a tick of 10 ms. A command's timeout entry holds the command (arguments,
     * reply, callbacks) until the timer's next tick removes it, even after the reply came; with Lettuce's own timer
     * (a tick of 100 ms) that kept about 10,000 finished commands alive at 90,000 requests a second, and every young
     * collection copied those ~10 MB (most of each pause). A 10 ms tick keeps a tenth of that. Client resources do not
     * stop a timer they were given: {@link #shutdown(ClientResources)} does.
     */
    private static HashedWheelTimer commandTimer() {
        return new HashedWheelTimer(new DefaultThreadFactory("redis-connector-timer", true), 10,
                TimeUnit.MILLISECONDS, 1024);
    }

    /** See {@link dev.redisconnector.core.execution.LettuceExecutors#shutdown(ClientResources)}. */
    public static void shutdown(ClientResources resources) {
        // pending timeouts (a handshake's, a reconnect's) are dropped, not run against event loops that are gone
        resources.timer().stop();
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /**
     * The Netty customizer every connection of the connector needs (the {@link ReplySizeGuard} that keeps a huge
     * value out of memory), followed by {@code extra} when given.
     */
    public static NettyCustomizer nettyCustomizer(ConnectorOptions options, Consumer<Channel> extra) {
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

    private LettuceCommandExecutor(ConnectorOptions options, ClientResources resources, boolean ownsResources,
                                   IntSupplier laneSelector, ConnectionProvider provider) {
        if (!(resources.addressResolverGroup() instanceof CheckedAddressResolverGroup)) {
            throw new IllegalArgumentException("build the client resources with LettuceExecutors.configure(...):"
                    + " they must check every address against the host policy");
        }
        this.options = options;
        this.resources = resources;
        this.ownsResources = ownsResources;
        this.opener = new ConnectionOpener(options, resources);
        this.shared = new SharedConnections(options.connectionIdleTimeout(), laneSelector);
        this.provider = provider != null ? provider : shared;
        this.releases = this.provider.wantsRelease();
        this.commandTables = new CommandTables(this::sharedConnection, this::commandTimeout);
        this.sentinelWatches = new SentinelWatches(opener::watchSentinels, this::closeDataConnections);
        this.dedicated = new DedicatedConnections(options.dedicatedPoolSize(), options.dedicatedWait(),
                options.connectionIdleTimeout());
    }

    @Override
    public CompletionStage<Reply> execute(ExecutionTarget target, ClassifiedCommand command, Duration timeout) {
        ConnectorException fenced = sentinelWatches.fence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        CompletableFuture<ConnectionProvider.Connection> connection = provider.acquire(target, this::openConnection);
        String clientId = target.service().clientId();
        if (connection.isDone() && !connection.isCompletedExceptionally()) {
            return run((RedisHandle) connection.join(), command, timeout, clientId);
        }
        return connection.thenCompose(open -> run((RedisHandle) open, command, timeout, clientId));
    }

    /** Waits for the connection once, then sends every command in order (dependents of one future run LIFO). */
    @Override
    public CompletionStage<List<CompletionStage<Reply>>> executeAll(ExecutionTarget target,
                                                                   List<ClassifiedCommand> commands, Duration timeout) {
        ConnectorException fenced = sentinelWatches.fence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        String clientId = target.service().clientId();
        return provider.acquire(target, this::openConnection).thenApply(connection -> {
            List<CompletionStage<Reply>> outcomes = new ArrayList<>(commands.size());
            for (ClassifiedCommand command : commands) {
                outcomes.add(Dispatch.run((RedisHandle) connection, command, timeout, clientId,
                        options.maxReplyBytes()));
            }
            if (releases) {
                CompletableFuture.allOf(outcomes.stream().map(CompletionStage::toCompletableFuture)
                        .toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) ->
                        provider.release(connection));
            }
            return outcomes;
        });
    }

    private CompletableFuture<Reply> run(RedisHandle handle, ClassifiedCommand command, Duration timeout,
                                         String clientId) {
        CompletableFuture<Reply> reply = Dispatch.run(handle, command, timeout, clientId, options.maxReplyBytes());
        if (releases) {
            reply.whenComplete((ignored, failure) -> provider.release(handle));
        }
        return reply;
    }

    @Override
    public CompletionStage<Reply> executeSplitAcrossSlots(ExecutionTarget target, ClassifiedCommand command,
                                                          Duration timeout) {
        if (target.service().mode() != RedisService.Mode.CLUSTER || !command.name().equals("MSET")) {
            return execute(target, command, timeout);
        }
        String clientId = target.service().clientId();
        return sharedConnection(target).thenCompose(handle -> ClusterSpan.msetBySlot(
                (StatefulRedisClusterConnection<byte[], byte[]>) handle.connection(), command.command(), timeout,
                clientId));
    }

    /**
     * Runs a blocking command on one of the service's dedicated connections. The connection goes back to the pool
     * when the command was answered; after a timeout or a lost connection it is closed.
     */
    @Override
    public CompletionStage<Reply> executeBlocking(ExecutionTarget target, ClassifiedCommand command,
                                                  Duration blocksFor, Duration timeout) {
        ConnectorException fenced = sentinelWatches.fence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        String clientId = target.service().clientId();
        Duration total = blocksFor.plus(timeout);
        return dedicated(target).thenCompose(lease -> Dispatch.run(lease.handle(), command, total, clientId,
                        options.maxReplyBytes())
                .whenComplete((reply, failure) -> lease.release(failure == null || answered(failure))));
    }

    /**
     * Subscribes on a connection of its own to {@code channels} (or patterns). The stage completes once Redis
     * confirmed the subscription; it fails with the codes of {@link #execute}.
     */
    @Override
    public CompletionStage<Subscription> subscribe(ExecutionTarget target, List<byte[]> channels, boolean pattern,
                                                   MessageListener listener) {
        return PubSubConnections.subscribe(opener, target, channels, pattern, listener,
                connectTimeout(target.service()), commandTimeout(target.service()), openStreams);
    }

    /** Runs a transaction on one of the service's dedicated connections. See {@link Transaction}. */
    @Override
    public CompletionStage<List<PipelineResult>> executeTransaction(
            ExecutionTarget target, List<byte[]> watch, List<ClassifiedCommand> commands, Duration timeout) {
        ConnectorException fenced = sentinelWatches.fence(target);
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        String clientId = target.service().clientId();
        return dedicated(target).thenCompose(lease -> new Transaction(lease, watch, commands, timeout, clientId,
                options.maxReplyBytes()).run());
    }

    private CompletableFuture<DedicatedConnections.Lease> dedicated(ExecutionTarget target) {
        Versions versions = Versions.of(target);
        String clientId = target.service().clientId();
        dedicated.retainOnly(clientId, versions);
        return dedicated.acquire(new ServiceKey(clientId, versions, target.protocol()), key -> open(target));
    }

    /** Whether a failure still means Redis answered (the connection's state is known). */
    private static boolean answered(Throwable failure) {
        Throwable cause = ConnectorException.unwrap(failure);
        return cause instanceof ConnectorException e
                && (e.code() == ErrorCode.REDIS_ERROR || e.code() == ErrorCode.RESULT_TOO_LARGE);
    }

    /** Values over the reply limit dropped as they arrived, since start (see {@link ReplySizeGuard}). */
    public static long droppedValues() {
        return ReplySizeGuard.droppedValues();
    }

    @Override
    public ExecutorStats stats() {
        return new ExecutorStats(provider.size(), dedicated.leased(), dedicated.open(), openStreams.get(),
                droppedValues());
    }

    @Override
    public Map<String, int[]> connectionsByClient() {
        Map<String, int[]> out = new TreeMap<>();
        provider.sizeByClient().forEach((clientId, count) ->
                out.computeIfAbsent(clientId, ignored -> new int[3])[0] += count);
        dedicated.usageByClient().forEach((clientId, usage) -> {
            int[] counts = out.computeIfAbsent(clientId, ignored -> new int[3]);
            counts[1] += usage[0];
            counts[2] += usage[1];
        });
        return out;
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

    /**
     * Opens a fresh connection to the target (never the shared one) and reports what it finds; fails with the same
     * codes as {@link #execute}. See {@link ConnectionReport}.
     */
    @Override
    public CompletionStage<ConnectionReport> testConnection(ExecutionTarget target) {
        Duration timeout = commandTimeout(target.service());
        return open(target).thenCompose(handle -> new ConnectionProbe(this, opener, handle, target, timeout).run()
                .whenComplete((report, failure) -> handle.close()));
    }

    /** A command the connector sends for itself on an open connection (probe, kill), routed like any other. */
    CompletableFuture<Reply> dispatch(RedisHandle handle, VerifiedCommand command, Duration timeout, String clientId) {
        return Dispatch.run(handle, ClassifiedCommand.unclassified(command), timeout, clientId,
                options.maxReplyBytes());
    }

    private CompletableFuture<ConnectionProvider.Connection> openConnection(ExecutionTarget target) {
        return open(target).thenApply(handle -> handle);
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

    /** The target's shared connection (command tables and cluster-wide commands use it whatever the provider). */
    private CompletableFuture<RedisHandle> sharedConnection(ExecutionTarget target) {
        return shared.acquire(target, this::openConnection).thenApply(RedisHandle.class::cast);
    }

    private Duration connectTimeout(RedisService service) {
        return service.connectTimeout() != null ? service.connectTimeout() : options.connectTimeout();
    }

    private Duration commandTimeout(RedisService service) {
        return service.commandTimeout() != null ? service.commandTimeout() : options.commandTimeout();
    }

    /** Closes a client's command connections, shared and dedicated (its master moved); the next use reconnects. */
    private void closeDataConnections(String clientId) {
        dedicated.closeClient(clientId);
        shared.closeClient(clientId);
        if (provider != shared) {
            provider.closeClient(clientId);
        }
    }

    @Override
    public void closeConnections(String clientId) {
        sentinelWatches.forget(clientId);
        commandTables.forgetClient(clientId);
        shared.forget(clientId);
        closeDataConnections(clientId);
    }

    /** The command table of the target's server (see {@link CommandTables}). */
    @Override
    public CompletionStage<CommandCatalog> catalog(ExecutionTarget target) {
        return commandTables.of(target);
    }

    @Override
    public void close() {
        sentinelWatches.close();
        dedicated.close();
        provider.close();
        shared.close();
        opener.shutdown();
        if (ownsResources) {
            shutdown(resources);
        }
    }
}
