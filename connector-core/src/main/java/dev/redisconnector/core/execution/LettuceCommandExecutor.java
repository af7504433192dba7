package dev.redisconnector.core.execution;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands with Lettuce on one multiplexed connection per (service, service version, credentials version).
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
    private final RedisClient client;
    private final Cache<ConnectionKey, CompletableFuture<StatefulRedisConnection<byte[], byte[]>>> connections;
    private final Map<String, Versions> currentVersions = new ConcurrentHashMap<>();
    private final IntSupplier laneSelector;

    /** An executor with its own Netty resources. */
    public LettuceCommandExecutor(ConnectorOptions options) {
        this(options, DefaultClientResources.create(), true);
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

    private LettuceCommandExecutor(ConnectorOptions options, ClientResources resources, boolean ownsResources) {
        this(options, resources, ownsResources, () -> 0);
    }

    private LettuceCommandExecutor(ConnectorOptions options, ClientResources resources, boolean ownsResources,
                                   IntSupplier laneSelector) {
        this.laneSelector = laneSelector;
        this.options = options;
        this.resources = resources;
        this.ownsResources = ownsResources;
        this.client = RedisClient.create(resources);
        this.client.setOptions(clientOptions(options));
        this.connections = Caffeine.newBuilder()
                .expireAfterAccess(options.connectionIdleTimeout())
                .scheduler(Scheduler.systemScheduler())
                .executor(Runnable::run)
                .removalListener(this::onRemoval)
                .build();
    }

    static ClientOptions clientOptions(ConnectorOptions options) {
        long defaultTimeoutMillis = options.commandTimeout().toMillis();
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .replayFilter(command -> true)
                .pingBeforeActivateConnection(true)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(maxConnectTimeout(options))
                        .keepAlive(true)
                        .tcpNoDelay(true)
                        .build())
                .timeoutOptions(TimeoutOptions.builder()
                        .timeoutCommands(true)
                        .timeoutSource(new PerCommandTimeout(defaultTimeoutMillis))
                        .build())
                .build();
    }

    private static Duration maxConnectTimeout(ConnectorOptions options) {
        Duration floor = Duration.ofSeconds(30);
        return options.connectTimeout().compareTo(floor) > 0 ? options.connectTimeout() : floor;
    }

    @Override
    public CompletionStage<Reply> execute(ExecutionTarget target, VerifiedCommand command, Duration timeout) {
        if (options.connectionPerRequest()) {
            return executeOnNewConnection(target, command, timeout);
        }
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection = connection(target);
        String clientId = target.service().clientId();
        if (connection.isDone() && !connection.isCompletedExceptionally()) {
            return dispatch(connection.join(), command, timeout, clientId);
        }
        return connection.thenCompose(open -> dispatch(open, command, timeout, clientId));
    }

    /** The benchmark's naive baseline: connect, run, close. */
    private CompletionStage<Reply> executeOnNewConnection(ExecutionTarget target, VerifiedCommand command,
                                                          Duration timeout) {
        RedisService service = target.service();
        Duration connectTimeout = service.connectTimeout() != null ? service.connectTimeout()
                : options.connectTimeout();
        return client.connectAsync(ByteArrayCodec.INSTANCE, uri(service, target.credentials()))
                .toCompletableFuture()
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                        ExecutionErrors.connectFailure(failure, service.clientId(), connectTimeout)))
                .thenCompose(connection -> dispatch(connection, command, timeout, service.clientId())
                        .whenComplete((reply, failure) -> connection.closeAsync()));
    }

    /**
     * Opens a fresh connection to the target (never the shared one), runs {@code PING}, {@code INFO server} and
     * {@code ROLE}, and closes it. Fails with the same codes as {@link #execute}.
     */
    public CompletionStage<ConnectionReport> testConnection(ExecutionTarget target) {
        RedisService service = target.service();
        Duration connectTimeout = service.connectTimeout() != null ? service.connectTimeout()
                : options.connectTimeout();
        Duration timeout = service.commandTimeout() != null ? service.commandTimeout() : options.commandTimeout();
        return client.connectAsync(ByteArrayCodec.INSTANCE, uri(service, target.credentials()))
                .toCompletableFuture()
                .orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                        ExecutionErrors.connectFailure(failure, service.clientId(), connectTimeout)))
                .thenCompose(connection -> probe(connection, service.clientId(), timeout)
                        .whenComplete((report, failure) -> connection.closeAsync()));
    }

    private CompletableFuture<ConnectionReport> probe(StatefulRedisConnection<byte[], byte[]> connection,
                                                      String clientId, Duration timeout) {
        long started = System.nanoTime();
        return dispatch(connection, new VerifiedCommand("PING", java.util.List.of()), timeout, clientId)
                .thenCompose(pong -> {
                    double latency = (System.nanoTime() - started) / 1_000_000.0;
                    return dispatch(connection, new VerifiedCommand("INFO", java.util.List.of(
                            "server".getBytes(StandardCharsets.US_ASCII))), timeout, clientId)
                            .thenCombine(dispatch(connection, new VerifiedCommand("ROLE", java.util.List.of()),
                                    timeout, clientId), (info, role) -> {
                                String text = info instanceof Reply.StringReply s ? s.text() : "";
                                String roleName = role instanceof Reply.ArrayReply a && !a.elements().isEmpty()
                                        && a.elements().getFirst() instanceof Reply.StringReply r ? r.text()
                                        : "unknown";
                                String protocol = connection.getOptions() != null
                                        && "RESP2".equals(String.valueOf(protocolOf(connection))) ? "RESP2" : "RESP3";
                                return new ConnectionReport(infoField(text, "redis_version"), roleName,
                                        infoField(text, "redis_mode"), latency, protocol);
                            });
                });
    }

    private static Object protocolOf(StatefulRedisConnection<byte[], byte[]> connection) {
        if (connection instanceof io.lettuce.core.StatefulRedisConnectionImpl<?, ?> impl) {
            return impl.getConnectionState().getNegotiatedProtocolVersion();
        }
        return null;
    }

    private static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        return "unknown";
    }

    /** Closes every connection of a client at once (its service or credentials changed or were deleted). */
    public void closeConnections(String clientId) {
        currentVersions.remove(clientId);
        connections.asMap().keySet().removeIf(key -> key.clientId().equals(clientId));
    }

    /** Number of open or opening connections (for tests and metrics). */
    public long connectionCount() {
        connections.cleanUp();
        return connections.estimatedSize();
    }

    private CompletableFuture<Reply> dispatch(StatefulRedisConnection<byte[], byte[]> connection,
                                              VerifiedCommand command, Duration timeout, String clientId) {
        ReplyOutput output = new ReplyOutput(options.maxReplyBytes());
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
        for (byte[] arg : command.args()) {
            args.add(arg);
        }
        TimedCommand timed = new TimedCommand(new Command<>(new Keyword(command.name()), output, args), output,
                timeout, clientId, options.maxReplyBytes());
        try {
            connection.dispatch(timed);
        } catch (RuntimeException e) {
            timed.completeExceptionally(e);
        }
        return timed;
    }

    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection(ExecutionTarget target) {
        RedisService service = target.service();
        Versions versions = new Versions(service.serviceId(), service.version(), target.credentials().version());
        Versions current = currentVersions.get(service.clientId());
        if (!versions.equals(current)) {
            Versions previous = currentVersions.put(service.clientId(), versions);
            if (previous != null && !previous.equals(versions)) {
                connections.asMap().keySet().removeIf(key -> key.clientId().equals(service.clientId())
                        && !key.versions().equals(versions));
            }
        }
        ConnectionKey key = new ConnectionKey(service.clientId(), versions, laneSelector.getAsInt());
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> existing = connections.getIfPresent(key);
        if (existing != null) {
            return existing;
        }
        return connections.get(key, k -> connect(k, target));
    }

    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect(ConnectionKey key,
                                                                               ExecutionTarget target) {
        RedisService service = target.service();
        Duration connectTimeout = service.connectTimeout() != null ? service.connectTimeout()
                : options.connectTimeout();
        RedisURI uri = uri(service, target.credentials());
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> result = new CompletableFuture<>();
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> attempt =
                client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        attempt.whenComplete((connection, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ExecutionErrors.connectFailure(failure, service.clientId(),
                        connectTimeout));
            } else if (!result.complete(connection)) {
                connection.closeAsync();
            }
        });
        CompletableFuture.delayedExecutor(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!result.isDone()) {
                result.completeExceptionally(ExecutionErrors.connectFailure(
                        new java.util.concurrent.TimeoutException(), service.clientId(), connectTimeout));
            }
        });
        // async: a synchronous failure must not touch the cache from inside its own compute
        result.whenCompleteAsync((connection, failure) -> {
            if (failure != null) {
                connections.asMap().remove(key, result);
                LOG.info("connect failed client={} service={} reason={}", service.clientId(), service.serviceId(),
                        failure.getMessage());
            } else {
                LOG.debug("connected client={} service={} version={}", service.clientId(), service.serviceId(),
                        service.version());
            }
        });
        return result;
    }

    static RedisURI uri(RedisService service, RedisCredentials credentials) {
        // the URI timeout bounds the connection handshake (HELLO, AUTH, SELECT); commands carry their own timeouts
        Duration handshakeTimeout = service.connectTimeout() != null ? service.connectTimeout()
                : ConnectorOptions.DEFAULT_CONNECT_TIMEOUT;
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(service.host())
                .withPort(service.port())
                .withDatabase(service.database())
                .withTimeout(handshakeTimeout)
                .withClientName("redis-connector:" + service.clientId());
        if (credentials.kind() == RedisCredentials.Kind.PASSWORD) {
            char[] password = credentials.password().reveal().toCharArray();
            if (credentials.username() != null && !credentials.username().isEmpty()) {
                builder.withAuthentication(credentials.username(), password);
            } else {
                builder.withPassword(password);
            }
        }
        if (service.tls().enabled()) {
            builder.withSsl(true).withVerifyPeer(service.tls().verifyHostname() ? SslVerifyMode.FULL
                    : SslVerifyMode.CA);
        }
        return builder.build();
    }

    private void onRemoval(ConnectionKey key, CompletableFuture<StatefulRedisConnection<byte[], byte[]>> future,
                           RemovalCause cause) {
        if (future == null) {
            return;
        }
        future.thenAccept(connection -> {
            LOG.debug("closing connection client={} cause={}", key.clientId(), cause);
            connection.closeAsync();
        });
    }

    @Override
    public void close() {
        connections.invalidateAll();
        connections.cleanUp();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (ownsResources) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** Identity of one shared connection. */
    record ConnectionKey(String clientId, Versions versions, int lane) {
    }

    /** What a connection was opened for: a change of any part means a new connection. */
    record Versions(String serviceId, long serviceVersion, long credentialsVersion) {
    }

    /** Any command name, including module commands Lettuce has no enum for. */
    record Keyword(String name) implements ProtocolKeyword {
        @Override
        public byte[] getBytes() {
            return name.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A command that carries its own timeout (read by {@link PerCommandTimeout}) and completes with the connector's
     * outcome directly: the reply, or a {@link ConnectorException} (never wrapped), without an extra stage.
     */
    static final class TimedCommand extends AsyncCommand<byte[], byte[], Reply> {
        private final ReplyOutput output;
        private final Duration timeout;
        private final long timeoutMillis;
        private final String clientId;
        private final long maxReplyBytes;

        TimedCommand(RedisCommand<byte[], byte[], Reply> command, ReplyOutput output, Duration timeout,
                     String clientId, long maxReplyBytes) {
            super(command);
            this.output = output;
            this.timeout = timeout;
            this.timeoutMillis = timeout.toMillis();
            this.clientId = clientId;
            this.maxReplyBytes = maxReplyBytes;
        }

        long timeoutMillis() {
            return timeoutMillis;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return completeExceptionally(new java.util.concurrent.CancellationException());
        }

        /**
         * Called once, by Lettuce, when the reply is decoded. A Redis error or an oversized reply is reported with
         * {@code obtrudeException}: Lettuce's completion counter has already reached zero here, so its
         * {@code completeExceptionally} would ignore the call.
         */
        @Override
        public boolean complete(Reply reply) {
            if (isDone()) {
                return false;
            }
            if (output.topLevelError() != null) {
                obtrudeException(ExecutionErrors.commandFailure(
                        io.lettuce.core.internal.ExceptionFactory.createExecutionException(output.topLevelError()),
                        clientId, timeout));
                return true;
            }
            if (output.tooLarge()) {
                obtrudeException(new ConnectorException(ErrorCode.RESULT_TOO_LARGE,
                        "The reply is larger than the limit of " + maxReplyBytes + " bytes; narrow the command"
                                + " (e.g. SCAN instead of KEYS, HSCAN instead of HGETALL)."));
                return true;
            }
            return super.complete(reply == null ? Reply.NullReply.INSTANCE : reply);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            return super.completeExceptionally(failure instanceof ConnectorException ? failure
                    : ExecutionErrors.commandFailure(failure, clientId, timeout));
        }
    }

    /** Lettuce's command expiry reads each command's own timeout. */
    static final class PerCommandTimeout extends TimeoutOptions.TimeoutSource {
        private final long defaultMillis;

        PerCommandTimeout(long defaultMillis) {
            this.defaultMillis = defaultMillis;
        }

        @Override
        public long getTimeout(RedisCommand<?, ?, ?> command) {
            return command instanceof TimedCommand timed ? timed.timeoutMillis() : defaultMillis;
        }

        @Override
        public TimeUnit getTimeUnit() {
            return TimeUnit.MILLISECONDS;
        }
    }
}
