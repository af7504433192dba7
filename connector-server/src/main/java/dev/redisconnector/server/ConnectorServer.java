package dev.redisconnector.server;

import dev.redisconnector.core.CommandListener;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Printable;
import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.Step;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.LettuceExecutors;
import dev.redisconnector.core.policy.PolicyEnforcer;
import dev.redisconnector.core.spi.SessionValidator;
import dev.redisconnector.registry.AuditTrail;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.crypto.Keyring;
import dev.redisconnector.registry.crypto.MasterKeys;
import dev.redisconnector.server.admin.AdminService;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.server.config.Settings;
import dev.redisconnector.server.http.AdminRoutes;
import dev.redisconnector.server.http.ApiError;
import dev.redisconnector.server.http.AuthThrottle;
import dev.redisconnector.server.http.CommandsRoute;
import dev.redisconnector.server.http.Errors;
import dev.redisconnector.server.http.EventStreams;
import dev.redisconnector.server.http.ExecuteChannelHandler;
import dev.redisconnector.server.http.ExecuteHandler;
import dev.redisconnector.server.http.RequestBody;
import dev.redisconnector.server.http.StaticAssets;
import dev.redisconnector.server.http.StrictFraming;
import dev.redisconnector.server.session.JwtSessionValidator;
import dev.redisconnector.server.session.TokenRouter;
import dev.redisconnector.server.upstash.UpstashHandler;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.transport.Transport;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: {@code POST /v1/redis/execute}, {@code /v1/redis/pipeline} and {@code /v1/redis/transaction}
 * ({@link ExecuteHandler}, the hot path, outside the router), the Upstash REST protocol under {@code RC_UPSTASH_PATH}
 * ({@link UpstashHandler}), pub/sub over Server-Sent Events ({@link EventStreams}), the admin API under
 * {@code /v1/admin} ({@link AdminRoutes}), {@code /health/live}, {@code /health/ready}, {@code /metrics} and
 * {@code /openapi.json}; the strict HTTP/1.1 framing, the throttle for failed authentications and request ids around
 * all of them.
 *
 * <p>{@link #start} opens the registry (migrating it), builds the connector and listens; {@link #close} stops
 * accepting, lets in-flight requests finish within {@code RC_SHUTDOWN_GRACE_MS}, then closes Redis connections and
 * the registry. Thread-safe.
 */
public final class ConnectorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorServer.class);

    private final ServerConfig config;
    private final Vertx vertx;
    private final Registry registry;
    private final CommandExecutor executor;
    private final ClientResources resources;
    private final RedisConnector connector;
    private final ExecutorService blocking;
    private final List<HttpServer> servers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventStreams streams;
    private final Metrics metrics;
    private final AuthThrottle throttle;
    private final ExecuteHandler execute;
    private final FastPathHost fastPathHost = new FastPathHost();
    /** {@code RC_ACCESS_LOG} and {@code RC_UPSTASH_PATH}, read once: every request's bookkeeping asks. */
    private final boolean accessLog;
    private final String upstashPath;

    private ConnectorServer(ServerConfig config, Vertx vertx, Registry registry, CommandExecutor executor,
                            ClientResources resources, RedisConnector connector, ExecutorService blocking,
                            List<HttpServer> servers, Metrics metrics) {
        this.metrics = metrics;
        this.throttle = new AuthThrottle(config.authFailuresPerMinute());
        this.config = config;
        this.vertx = vertx;
        this.registry = registry;
        this.executor = executor;
        this.resources = resources;
        this.connector = connector;
        this.blocking = blocking;
        this.servers = servers;
        this.streams = new EventStreams(vertx, connector, config.maxStreamsPerClient());
        this.execute = new ExecuteHandler(connector, config.maxBodyBytes());
        this.accessLog = config.accessLog();
        this.upstashPath = config.upstashPath();
    }

    private String upstashBase() {
        return config.upstashPath();
    }

    /** The pub/sub streams (for tests and metrics). */
    public EventStreams streams() {
        return streams;
    }

    /** Opens the registry with the configured master keys. */
    public static Registry openRegistry(ServerConfig config) {
        String keyFile = config.get(Settings.MASTER_KEY_FILE);
        Keyring keyring = MasterKeys.load(config.get(Settings.MASTER_KEY), keyFile.isEmpty() ? null : Path.of(keyFile),
                config.get(Settings.MASTER_KEY_ID), config.dataDir().toAbsolutePath());
        return Registry.open(config.registry(), keyring);
    }

    /** Starts a server and waits until it listens. */
    public static ConnectorServer start(ServerConfig config) {
        Registry registry = openRegistry(config);
        ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jwks-", 0).factory());
        Transport transport = transport(config.transport());
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(config.eventLoops()))
                .withTransport(transport).build();
        EventLoopAffinity affinity = new EventLoopAffinity(((VertxInternal) vertx).nettyEventLoopGroup());
        ClientResources resources = LettuceExecutors.configure(DefaultClientResources.builder()
                .eventLoopGroupProvider(new SharedEventLoops(affinity.pinnedGroup(), affinity.size())),
                config.connectorOptions(), channel ->
                        // many requests handled in one event-loop turn share one write to Redis
                        channel.pipeline().addFirst(new FlushConsolidationHandler(64, true)))
                .build();
        int perService = config.connectionsPerService();
        IntSupplier lanes = perService > 0 && perService < affinity.size()
                ? () -> affinity.getAsInt() % perService : affinity;
        CommandExecutor executor = LettuceExecutors.create(config.connectorOptions(), resources, lanes,
                config.connectionProvider());
        registry.onChange(executor::closeConnections);
        SessionValidator sessions = new TokenRouter(registry.sessions(),
                config.jwtEnabled() ? JwtSessionValidator.fromConfig(config, blocking) : null);
        String instanceId = config.instanceId();
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logging) {
            // %property{instance} in the text log format; "instance" in every JSON line's context
            logging.putProperty("instance", instanceId);
        }
        Metrics metrics = config.metricsEnabled() ? new Metrics(config.metricsPerClient(), instanceId) : null;
        AuditTrail audit = config.auditRetention() == null ? null
                : registry.audit(config.auditRetention(), config.auditLevel(), instanceId);
        RedisConnector connector = RedisConnector.builder()
                .listener(CommandListener.both(audit, metrics))
                .sessionValidator(sessions)
                .serviceRegistry(registry.services())
                .credentialStore(registry.credentials())
                .commandPolicy(new PolicyEnforcer())
                .commandExecutor(executor)
                .options(config.connectorOptions())
                .build();
        try {
            AdminService admin = new AdminService(registry, executor, config.defaultSessionTtl());
            AdminRoutes adminRoutes = new AdminRoutes(vertx, admin, config.adminToken());
            // port 0 with several event loops: a negative port makes Vert.x give every instance the same random port
            // (no probe-then-bind race)
            int port = config.port() == 0 && config.eventLoops() > 1 ? -1 : config.port();
            List<HttpServer> servers = new CopyOnWriteArrayList<>();
            ConnectorServer server = new ConnectorServer(config, vertx, registry, executor, resources, connector,
                    blocking, servers, metrics);
            if (metrics != null) {
                metrics.bind(executor, server.streams, registry, audit, transport.name());
            }
            vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    HttpServerOptions options = new HttpServerOptions()
                            .setHost(config.host()).setPort(port)
                            .setMaxHeaderSize(16 * 1024)
                            .setTcpNoDelay(true)
                            .setTcpFastOpen(true)
                            // every response is written on its request's event loop, so skip the cross-thread checks
                            .setStrictThreadMode(true)
                            .setIdleTimeout(120)
                            // HTTP/1.1 in cleartext (TLS and HTTP/2 end at the load balancer): with an h2c upgrade
                            // Vert.x sets up the HTTP/1.1 connection only after the first request was decoded, too
                            // late for StrictFraming to guard it
                            .setHttp2ClearTextEnabled(false)
                            // no WebSocket endpoint: without its extension handler, which queues an entry for every
                            // request until its response passes (the execute fast path's answers skip it)
                            .setPerMessageWebSocketCompressionSupported(false)
                            .setPerFrameWebSocketCompressionSupported(false);
                    HttpServer http = vertx.createHttpServer(options)
                            .connectionHandler(connection -> {
                                StrictFraming.install(connection, options);
                                if (config.executeFastPath() && !ExecuteChannelHandler.install(connection,
                                        server.execute, server.fastPathHost,
                                        server.throttle.enabled() ? remoteHost(connection) : null)) {
                                    server.fastPathRefused = true;
                                }
                                server.openConnections.incrementAndGet();
                                connection.closeHandler(ignored -> server.openConnections.decrementAndGet());
                            })
                            .invalidRequestHandler(StrictFraming::answerInvalid)
                            .requestHandler(server.requestHandler(adminRoutes));
                    servers.add(http);
                    return http.listen();
                }
            }, new DeploymentOptions().setInstances(config.eventLoops())).await(30, TimeUnit.SECONDS);
            if (config.warmup()) {
                // ready only once the request path has run: the first requests a load balancer sends are not the
                // ones that load and compile it
                server.warmup.run(server.port(), server.upstashBase());
                Warmup.settleHeap();
            }
            server.warm = true;
            LOG.info("redis-connector listening on http://{}:{} (registry {}, admin API {}, {} event loops on {},"
                    + " connections {})", config.host(), server.port(), Registry.safeUrl(config.registry().jdbcUrl()),
                    config.adminToken() == null ? "off" : "on", config.eventLoops(), transport.name(),
                    config.get(Settings.CONNECTIONS));
            return server;
        } catch (Exception | Error e) {
            connector.close();
            LettuceExecutors.shutdown(resources);
            vertx.close();
            registry.close();
            blocking.shutdownNow();
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(
                    "the server could not start: " + e.getMessage(), e);
        }
    }

    /** The hot path goes straight to {@link ExecuteHandler}; everything else through the router. */
    private Handler<HttpServerRequest> requestHandler(AdminRoutes adminRoutes) {
        UpstashHandler upstash = config.upstashPath() == null ? null
                : new UpstashHandler(connector, config.upstashPath(),
                        config.maxBodyBytes(), streams);
        Router router = router(adminRoutes);
        CommandsRoute commands = new CommandsRoute(connector);
        String upstashBase = config.upstashPath();
        return request -> {
            String requestId = requestId(request.getHeader(REQUEST_ID));
            request.response().putHeader(REQUEST_ID, requestId);
            if (draining) {
                // shutting down: answer, and let the client (a load balancer) open its next connection elsewhere
                request.response().putHeader("connection", "close");
                lastRequestNanos = System.nanoTime();
            }
            // health, readiness, metrics and the API document need no token: a throttled address still reaches them
            String address = throttle.enabled() && !UNAUTHENTICATED.contains(request.path())
                    && !warmup.isOwn(request) ? remoteHost(request) : null;
            if (address != null) {
                long wait = throttle.retryAfterSeconds(address);
                if (wait > 0) {
                    tooManyFailures(request, upstashBase, wait);
                    return;
                }
            }
            if (address != null || metrics != null || accessLog) {
                long started = System.nanoTime();
                request.response().headersEndHandler(ignored -> answered(requestId, request.method().name(),
                        request.path(), request.response().getStatusCode(), started, address));
            }
            if (execute.matches(request)) {
                execute.handle(request);
            } else if (upstash != null && upstash.matches(request)) {
                upstash.handle(request);
            } else if (request.method() == HttpMethod.GET
                    && EventStreams.PATH.equals(request.path())) {
                streams.nativeStream(request);
            } else if (request.method() == HttpMethod.GET && CommandsRoute.PATH.equals(request.path())) {
                commands.handle(request);
            } else {
                router.handle(request);
            }
        };
    }

    /** The bookkeeping of every answered request, on either path: throttle, metrics, access log. */
    private void answered(String requestId, String method, String path, int status, long startedNanos,
                          String address) {
        if (address != null && status == 401) {
            throttle.failed(address);
        }
        if (metrics == null && !accessLog) {
            return;
        }
        long nanos = System.nanoTime() - startedNanos;
        String endpoint = Metrics.endpoint(path, upstashPath);
        if (metrics != null) {
            metrics.http(endpoint, status, nanos);
        }
        if (accessLog) {
            ACCESS.info("request id={} method={} endpoint={} status={} ms={}", requestId, method, endpoint, status,
                    String.format("%.2f", nanos / 1e6));
        }
    }

    /** What {@link ExecuteChannelHandler} needs from the server. */
    private final class FastPathHost implements ExecuteChannelHandler.Host {

        @Override
        public boolean start() {
            fastInFlight.increment();
            if (draining) {
                fastInFlight.decrement();
                return false;
            }
            return true;
        }

        @Override
        public boolean own(String warmupHeader) {
            return warmupHeader != null && warmup.isOwn(warmupHeader);
        }

        @Override
        public CharSequence warmupHeader() {
            return Warmup.HEADER;
        }

        @Override
        public long retryAfterSeconds(String address) {
            return throttle.retryAfterSeconds(address);
        }

        @Override
        public String requestId(String offered) {
            return ConnectorServer.requestId(offered);
        }

        @Override
        public void abandoned() {
            fastInFlight.decrement();
        }

        @Override
        public void answered(String requestId, String path, int status, long startedNanos, String address) {
            fastInFlight.decrement();
            ConnectorServer.this.answered(requestId, "POST", path, status, startedNanos, address);
        }
    }

    private static String remoteHost(HttpConnection connection) {
        SocketAddress remote = connection.remoteAddress();
        return remote == null || remote.host() == null ? "unknown" : remote.host();
    }

    private static String remoteHost(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return remote == null || remote.host() == null ? "unknown" : remote.host();
    }

    private static void tooManyFailures(HttpServerRequest request, String upstashBase,
                                        long wait) {
        String message = "Too many failed authentications from this address; retry in " + wait + " s.";
        // answered before the body was read: drop the body as it arrives, then close (no half-read connection)
        RequestBody.discardThenClose(request);
        request.response().putHeader("retry-after", Long.toString(wait));
        if (upstashBase != null && "upstash".equals(Metrics.endpoint(request.path(), upstashBase))) {
            UpstashHandler.fail(request.response(), 429, "RATE_LIMITED: " + message);
        } else {
            Errors.send(request.response(), new ApiError(ErrorCode.RATE_LIMITED, Step.SESSION, message));
        }
    }

    private static final Set<String> UNAUTHENTICATED = Set.of("/health/live", "/health/ready",
            "/metrics", "/openapi.json");
    private static final String REQUEST_ID = "x-request-id";
    private static final HexFormat HEX = HexFormat.of();
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.redisconnector.access");

    /** The caller's request id when it is a plain token of at most 64 characters, else a new random one. */
    static String requestId(String offered) {
        if (offered != null && !offered.isEmpty() && offered.length() <= 64) {
            boolean plain = true;
            for (int i = 0; i < offered.length() && plain; i++) {
                char c = offered.charAt(i);
                plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                        || c == '.' || c == ':';
            }
            if (plain) {
                return offered;
            }
        }
        return HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static final byte[] OPENAPI = openApi();

    private static byte[] openApi() {
        try (InputStream in = ConnectorServer.class.getResourceAsStream("/openapi.json")) {
            return in == null ? "{}".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Router router(AdminRoutes adminRoutes) {
        Router router = Router.router(vertx);
        router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
                .end(Buffer.buffer(OPENAPI)));
        if (metrics != null) {
            router.get("/metrics").handler(ctx -> vertx.executeBlocking(metrics::scrape, false).onComplete(text -> {
                if (text.failed()) {
                    Errors.send(ctx.response(), text.cause());
                } else {
                    ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                            .end(text.result());
                }
            }));
        }
        if (config.docsEnabled()) {
            mountDocs(router);
        }
        if (config.consoleEnabled()) {
            mountConsole(router);
        }
        router.get("/health/live").handler(ctx -> json(ctx, 200, "{\"status\":\"up\"}"));
        router.get("/health/ready").handler(this::ready);
        adminRoutes.mount(router, config.maxBodyBytes());
        router.route().last().handler(ctx -> Errors.send(ctx.response(), new ApiError(ErrorCode.NOT_FOUND, Step.HTTP,
                "No route " + ctx.request().method() + " " + safePath(ctx) + ".")));
        router.route().failureHandler(ConnectorServer::failure);
        return router;
    }

    /** What the documentation pages may load: this server only (Swagger UI sets inline styles on elements). */
    private static final String DOCS_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none';"
            + " base-uri 'none'; form-action 'none'";

    /**
     * {@code /docs}: Swagger UI from its WebJar over {@code /openapi.json}, with this server's own page and settings
     * ({@code docs-ui/}); nothing is fetched from elsewhere.
     */
    private static void mountDocs(Router router) {
        String version = StaticAssets.webJarVersion("org.webjars", "swagger-ui").orElse(null);
        if (version == null) {
            LOG.warn("docs disabled: the swagger-ui WebJar is not on the class path");
            return;
        }
        StaticAssets library = new StaticAssets("META-INF/resources/webjars/swagger-ui/" + version,
                "public, max-age=86400", DOCS_POLICY);
        StaticAssets.mount(router, "/docs", new StaticAssets("docs-ui", "no-cache", DOCS_POLICY), library);
    }

    /**
     * What the console may load and do: its own files, its own API; no inline script or style, no framing, no
     * other origin.
     */
    private static final String CONSOLE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /** {@code /console}: the web console, static files from the jar ({@code console/}) over the public API. */
    private static void mountConsole(Router router) {
        StaticAssets.mount(router, "/console", new StaticAssets("console", "no-cache", CONSOLE_POLICY));
    }

    private static String safePath(RoutingContext ctx) {
        return Printable.quote(ctx.normalizedPath(), 100);
    }

    private void ready(RoutingContext ctx) {
        if (draining) {
            json(ctx, 503, "{\"status\":\"draining\"}");
            return;
        }
        if (!warm) {
            json(ctx, 503, "{\"status\":\"warming up\"}");
            return;
        }
        vertx.executeBlocking(registry::isReachable, false).onComplete(result -> {
            Boolean listening = registry.changeListenerConnected();
            String changes = listening == null ? "" : ",\"changes\":\"" + (listening ? "listening" : "reconnecting")
                    + "\"";
            if (result.succeeded() && result.result()) {
                json(ctx, 200, "{\"status\":\"ready\",\"registry\":\"up\"" + changes + "}");
            } else {
                json(ctx, 503, "{\"status\":\"not ready\",\"registry\":\"down\"}");
            }
        });
    }

    private static void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            Errors.send(ctx.response(), RequestBody.TOO_LARGE);
        } else if (ctx.failure() != null) {
            Errors.send(ctx.response(), ctx.failure());
        } else if (ctx.statusCode() == 400) {
            Errors.send(ctx.response(), new ApiError(ErrorCode.INVALID_REQUEST, Step.COMMAND,
                    "The request could not be read."));
        } else {
            Errors.send(ctx.response(), ctx.statusCode() == 405
                    ? new ApiError(ErrorCode.METHOD_NOT_ALLOWED, Step.HTTP, "The route does not take "
                            + ctx.request().method() + ".")
                    : ApiError.of(Errors.internal(new IllegalStateException("router status " + ctx.statusCode()))));
        }
    }

    private static void json(RoutingContext ctx, int status, String body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
        }
    }

    /** The port the server listens on (useful with {@code RC_PORT=0}). */
    public int port() {
        return servers.getFirst().actualPort();
    }

    /** The registry (for the CLI's demo setup and tests). */
    public Registry registry() {
        return registry;
    }

    /** The connector. */
    public RedisConnector connector() {
        return connector;
    }

    /** The configuration in force. */
    public ServerConfig config() {
        return config;
    }

    private volatile boolean draining;
    /** Whether start-up finished (with the warm-up): until then {@code /health/ready} says 503. */
    private volatile boolean warm;
    private final Warmup warmup = new Warmup();
    /** Whether a connection went without the execute fast path although it is on (its pipeline was not as known). */
    private volatile boolean fastPathRefused;

    /** Whether the execute fast path, while on, was refused by a connection (for tests). */
    boolean fastPathRefused() {
        return fastPathRefused;
    }

    /** Requests the execute fast path took and has not answered yet. */
    private final LongAdder fastInFlight = new LongAdder();
    /** HTTP connections open now. */
    private final AtomicInteger openConnections = new AtomicInteger();
    /** While draining: when the last request came. */
    private volatile long lastRequestNanos;
    /** A connection with no request for this long is taken as idle by its client when the server stops. */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Stops the server the way a rolling restart needs: {@code /health/ready} answers 503 and every response closes
     * its connection for {@code RC_DRAIN_MS} while requests are still served (the load balancer takes the instance
     * out), then open event streams end with a last {@code end} event, the server stops accepting and in-flight
     * requests finish (up to {@code RC_SHUTDOWN_GRACE_MS}); then everything is released.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining = true;
        long drainMillis = config.drain().toMillis();
        if (drainMillis > 0) {
            LOG.info("draining: /health/ready answers 503 for {} ms, then the server stops accepting", drainMillis);
            try {
                Thread.sleep(drainMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        streams.endAll();
        long graceMillis = config.shutdownGrace().toMillis();
        // no new connections (refused: a load balancer retries them elsewhere, as nothing was sent), while the open
        // ones finish their requests and close (each response says "Connection: close"; idle ones are closed by the
        // balancer's own keep-alive timeout); the ones still open once no request came for a second are closed
        if (drainMillis > 0 && Listeners.close(servers)) {
            lastRequestNanos = System.nanoTime();
            awaitAtMost(graceMillis, () -> openConnections.get() == 0
                    || System.nanoTime() - lastRequestNanos >= QUIET_NANOS);
        }
        // the general server does not see the fast path's requests: let those finish before it closes connections
        awaitAtMost(graceMillis, () -> fastInFlight.sum() == 0);
        try {
            List<Future<Void>> shutdowns = servers.stream()
                    .map(http -> http.shutdown(graceMillis, TimeUnit.MILLISECONDS)).toList();
            Future.join(shutdowns).await(graceMillis + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP server did not shut down cleanly: {}", e.getClass().getSimpleName());
        }
        connector.close();
        LettuceExecutors.shutdown(resources);
        try {
            vertx.close().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.getClass().getSimpleName());
        }
        registry.close();
        blocking.shutdownNow();
        LOG.info("redis-connector stopped");
    }

    /**
     * The event loops' transport ({@code RC_TRANSPORT}): io_uring when it is asked for ({@code auto}, {@code io_uring})
     * and the kernel offers it, else epoll (or the JDK's NIO where neither loads). Redis connections run on the same
     * event loops, so Lettuce must make channels of the same transport; it reads its choice from system properties when
     * it first connects, once per process, so they are set here, and if it already chose otherwise in this process
     * (another server started earlier in it), the loops follow Lettuce.
     */
    public static Transport transport(String setting) {
        Transport otherwise = Transport.nativeTransport();
        if (otherwise == null || !otherwise.available()) {
            otherwise = Transport.NIO;
        }
        boolean use = !"epoll".equals(setting) && Transport.IO_URING.available();
        if (!use && "io_uring".equals(setting)) {
            Throwable cause = Transport.IO_URING.unavailabilityCause();
            LOG.warn("RC_TRANSPORT=io_uring: the kernel does not offer io_uring here ({}); using {}",
                    cause == null ? "no reason given" : cause.getClass().getSimpleName(), otherwise.name());
        }
        System.setProperty(use ? "io.lettuce.core.epoll" : "io.lettuce.core.iouring", "false");
        boolean redisOnIoUring = !EpollProvider.isAvailable() && IOUringProvider.isAvailable();
        if (use != redisOnIoUring) {
            LOG.warn("the Redis client of this process already runs on {}; the event loops do too",
                    redisOnIoUring ? "io_uring" : otherwise.name());
            use = redisOnIoUring;
        }
        return use ? Transport.IO_URING : otherwise;
    }

    /** Waits, checking every 5 ms, until {@code done} holds or {@code millis} have passed (or an interrupt). */
    private static void awaitAtMost(long millis, BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
