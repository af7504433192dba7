package dev.redisconnector.server;

import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.execution.LettuceCommandExecutor;
import dev.redisconnector.core.reply.ReplyJson;
import dev.redisconnector.core.spi.SessionValidator;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.crypto.Keyring;
import dev.redisconnector.registry.crypto.MasterKeys;
import dev.redisconnector.server.admin.AdminService;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.server.http.AdminRoutes;
import dev.redisconnector.server.http.ApiError;
import dev.redisconnector.server.http.ApiException;
import dev.redisconnector.server.http.Errors;
import dev.redisconnector.server.http.ExecuteBody;
import dev.redisconnector.server.session.JwtSessionValidator;
import dev.redisconnector.server.session.TokenRouter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: {@code POST /v1/redis/execute}, the admin API, {@code /health/live} and {@code /health/ready}.
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
    private final LettuceCommandExecutor executor;
    private final RedisConnector connector;
    private final ExecutorService blocking;
    private final HttpServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ConnectorServer(ServerConfig config, Vertx vertx, Registry registry, LettuceCommandExecutor executor,
                            RedisConnector connector, ExecutorService blocking, HttpServer server) {
        this.config = config;
        this.vertx = vertx;
        this.registry = registry;
        this.executor = executor;
        this.connector = connector;
        this.blocking = blocking;
        this.server = server;
    }

    /** Opens the registry with the configured master keys. */
    public static Registry openRegistry(ServerConfig config) {
        String keyFile = config.get("RC_MASTER_KEY_FILE");
        Keyring keyring = MasterKeys.load(config.get("RC_MASTER_KEY"), keyFile.isEmpty() ? null : Path.of(keyFile),
                config.get("RC_MASTER_KEY_ID"), config.dataDir().toAbsolutePath());
        return Registry.open(config.registry(), keyring);
    }

    /** Starts a server and waits until it listens. */
    public static ConnectorServer start(ServerConfig config) {
        Registry registry = openRegistry(config);
        ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jwks-", 0).factory());
        LettuceCommandExecutor executor = new LettuceCommandExecutor(config.connectorOptions());
        registry.onChange(executor::closeConnections);
        SessionValidator sessions = new TokenRouter(registry.sessions(),
                config.jwtEnabled() ? JwtSessionValidator.fromConfig(config, blocking) : null);
        RedisConnector connector = RedisConnector.builder()
                .sessionValidator(sessions)
                .serviceRegistry(registry.services())
                .credentialStore(registry.credentials())
                .commandExecutor(executor)
                .options(config.connectorOptions())
                .build();
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        try {
            Router router = Router.router(vertx);
            AdminService admin = new AdminService(registry, executor, config.defaultSessionTtl());
            ConnectorServer[] self = new ConnectorServer[1];
            router.post("/v1/redis/execute").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                    .handler(ctx -> self[0].execute(ctx));
            router.get("/health/live").handler(ctx -> json(ctx, 200, "{\"status\":\"up\"}"));
            router.get("/health/ready").handler(ctx -> self[0].ready(ctx));
            new AdminRoutes(vertx, admin, config.adminToken()).mount(router, config.maxBodyBytes());
            router.route().last().handler(ctx -> Errors.send(ctx.response(), new ApiError(404, "NOT_FOUND", "http",
                    "No route " + ctx.request().method() + " " + safePath(ctx) + ".")));
            router.route().failureHandler(ConnectorServer::failure);
            HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                            .setHost(config.host()).setPort(config.port())
                            .setMaxHeaderSize(16 * 1024)
                            .setTcpNoDelay(true)
                            .setIdleTimeout(120))
                    .requestHandler(router);
            server.listen().await(30, TimeUnit.SECONDS);
            self[0] = new ConnectorServer(config, vertx, registry, executor, connector, blocking, server);
            LOG.info("redis-connector listening on http://{}:{} (registry {}, admin API {})", config.host(),
                    server.actualPort(), Registry.safeUrl(config.registry().jdbcUrl()),
                    config.adminToken() == null ? "off" : "on");
            return self[0];
        } catch (Exception | Error e) {
            vertx.close();
            connector.close();
            registry.close();
            blocking.shutdownNow();
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(
                    "the server could not start: " + e.getMessage(), e);
        }
    }

    private static String safePath(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String cut = path.length() > 100 ? path.substring(0, 100) + "..." : path;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    private void execute(RoutingContext ctx) {
        String token = bearer(ctx.request().getHeader("authorization"));
        Context context = vertx.getOrCreateContext();
        connector.authenticate(token).thenCompose(session -> {
            ExecuteBody body = ExecuteBody.parse(ctx.body().buffer());
            return connector.executeAsync(session, body.inputs(), body.options())
                    .thenApply(reply -> {
                        StringBuilder out = new StringBuilder(64);
                        out.append("{\"output1\":");
                        ReplyJson.write(reply, body.options().encoding(), out);
                        return out.append('}').toString();
                    });
        }).whenComplete((json, failure) -> context.runOnContext(ignored -> {
            if (failure != null) {
                Errors.send(ctx.response(), failure);
            } else {
                json(ctx, 200, json);
            }
        }));
    }

    private void ready(RoutingContext ctx) {
        vertx.executeBlocking(registry::isReachable, false).onComplete(result -> {
            if (result.succeeded() && result.result()) {
                json(ctx, 200, "{\"status\":\"ready\",\"registry\":\"up\"}");
            } else {
                json(ctx, 503, "{\"status\":\"not ready\",\"registry\":\"down\"}");
            }
        });
    }

    private static void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            Errors.send(ctx.response(), new ApiError(413, "INVALID_REQUEST", "command",
                    "The request body is larger than the limit (RC_MAX_BODY_BYTES)."));
        } else if (ctx.failure() != null) {
            Errors.send(ctx.response(), ctx.failure());
        } else if (ctx.statusCode() == 400) {
            Errors.send(ctx.response(), new ApiException(400, "INVALID_REQUEST", "command",
                    "The request could not be read.").error());
        } else {
            Errors.send(ctx.response(), new ApiError(ctx.statusCode() > 0 ? ctx.statusCode() : 500,
                    ctx.statusCode() == 405 ? "METHOD_NOT_ALLOWED" : "INTERNAL", "http", "The request failed."));
        }
    }

    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static void json(RoutingContext ctx, int status, String body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
        }
    }

    /** The port the server listens on (useful with {@code RC_PORT=0}). */
    public int port() {
        return server.actualPort();
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

    /** Stops accepting, waits for in-flight requests (up to the grace period), then releases everything. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long graceMillis = config.shutdownGrace().toMillis();
        try {
            Future<Void> shutdown = server.shutdown(graceMillis, TimeUnit.MILLISECONDS);
            shutdown.await(graceMillis + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP server did not shut down cleanly: {}", e.getClass().getSimpleName());
        }
        connector.close();
        try {
            vertx.close().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.getClass().getSimpleName());
        }
        registry.close();
        blocking.shutdownNow();
        LOG.info("redis-connector stopped");
    }
}
