package dev.redisconnector.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.server.admin.AdminJson;
import dev.redisconnector.server.admin.AdminModel.CredentialsRequest;
import dev.redisconnector.server.admin.AdminModel.ServiceRequest;
import dev.redisconnector.server.admin.AdminModel.SessionRequest;
import dev.redisconnector.server.admin.AdminService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Mounts {@code /v1/admin/...}: services, credentials, connection tests and sessions, guarded by the admin token
 * (compared in constant time). Without an admin token every admin route answers 404 saying the API is off.
 */
public final class AdminRoutes {

    private static final String BASE = "/v1/admin";

    private final Vertx vertx;
    private final AdminService admin;
    private final byte[] adminTokenHash;

    /** @param adminToken the admin credential, or {@code null} to turn the admin API off */
    public AdminRoutes(Vertx vertx, AdminService admin, String adminToken) {
        this.vertx = vertx;
        this.admin = admin;
        this.adminTokenHash = adminToken == null ? null : sha256(adminToken);
    }

    /** Adds the admin routes to {@code router}. */
    public void mount(Router router, int maxBodyBytes) {
        router.route(BASE + "/*").handler(this::authorize);
        router.route(BASE + "/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        router.get(BASE + "/clients").handler(ctx -> run(ctx, 200, admin::listServices));
        router.put(BASE + "/clients/:clientId/service").handler(ctx -> withBody(ctx, 200, ServiceRequest.class,
                body -> admin.putService(ctx.pathParam("clientId"), body)));
        router.patch(BASE + "/clients/:clientId/service").handler(ctx -> withBody(ctx, 200, ObjectNode.class,
                body -> admin.patchService(ctx.pathParam("clientId"), body)));
        router.get(BASE + "/clients/:clientId/service")
                .handler(ctx -> run(ctx, 200, () -> admin.getService(ctx.pathParam("clientId"))));
        router.delete(BASE + "/clients/:clientId/service")
                .handler(ctx -> run(ctx, 200, () -> admin.deleteService(ctx.pathParam("clientId"))));
        router.put(BASE + "/clients/:clientId/credentials").handler(ctx -> withBody(ctx, 200,
                CredentialsRequest.class, body -> admin.putCredentials(ctx.pathParam("clientId"), body)));
        router.delete(BASE + "/clients/:clientId/credentials")
                .handler(ctx -> run(ctx, 200, () -> admin.deleteCredentials(ctx.pathParam("clientId"))));
        router.post(BASE + "/clients/:clientId/test")
                .handler(ctx -> run(ctx, 200, () -> admin.testConnection(ctx.pathParam("clientId"))));
        router.get(BASE + "/clients/:clientId/acl")
                .handler(ctx -> run(ctx, 200, () -> admin.acl(ctx.pathParam("clientId"))));
        router.post(BASE + "/credentials/reencrypt").handler(ctx -> run(ctx, 200, admin::reencryptCredentials));
        router.post(BASE + "/sessions").handler(ctx -> withBody(ctx, 201, SessionRequest.class,
                admin::createSession));
        router.get(BASE + "/sessions").handler(ctx -> run(ctx, 200, () -> admin.listSessions(
                ctx.queryParams().get("clientId"), limit(ctx))));
        router.get(BASE + "/audit").handler(ctx -> run(ctx, 200, () -> admin.audit(
                ctx.queryParams().get("clientId"), ctx.queryParams().get("userId"), ctx.queryParams().get("since"),
                ctx.queryParams().get("until"), ctx.queryParams().get("outcome"), limit(ctx))));
        router.delete(BASE + "/sessions/:sessionId")
                .handler(ctx -> run(ctx, 200, () -> admin.revokeSession(ctx.pathParam("sessionId"))));
        router.route(BASE + "/*").handler(ctx -> Errors.send(ctx.response(),
                new ApiError(ErrorCode.NOT_FOUND, Step.ADMIN, "No admin route " + ctx.request().method() + " "
                        + ctx.normalizedPath() + ".")));
    }

    private void authorize(RoutingContext ctx) {
        if (adminTokenHash == null) {
            Errors.send(ctx.response(), new ApiError(ErrorCode.NOT_FOUND, Step.ADMIN,
                    "The admin API is off: set RC_ADMIN_TOKEN to turn it on."));
            return;
        }
        String header = ctx.request().getHeader("authorization");
        String token = ExecuteHandler.bearer(header);
        if (token != null && !token.isEmpty() && !MessageDigest.isEqual(sha256(token), adminTokenHash)) {
            Errors.send(ctx.response(), new ApiError(ErrorCode.UNAUTHORIZED, Step.ADMIN,
                    "The admin token is not the server's (RC_ADMIN_TOKEN)."));
            return;
        }
        if (token == null || token.isEmpty()) {
            Errors.send(ctx.response(), new ApiError(ErrorCode.UNAUTHORIZED, Step.ADMIN,
                    "The admin API needs Authorization: Bearer <admin token>."));
            return;
        }
        ctx.next();
    }

    private static int limit(RoutingContext ctx) {
        String raw = ctx.queryParams().get("limit");
        if (raw == null) {
            return 100;
        }
        int limit;
        try {
            limit = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw AdminErrors.invalid("limit must be a whole number between 1 and 10000.");
        }
        if (limit < 1 || limit > 10_000) {
            throw AdminErrors.invalid("limit must be between 1 and 10000 (got " + limit + ").");
        }
        return limit;
    }

    /** Binds the body to {@code type} ({@code INVALID_REQUEST} naming the field when it does not fit), then runs. */
    private <T> void withBody(RoutingContext ctx, int status, Class<T> type, Function<T, Object> action) {
        T body;
        try {
            Buffer buffer = ctx.body().buffer();
            body = AdminJson.read(buffer == null ? null : buffer.getBytes(), type);
        } catch (RuntimeException e) {
            Errors.send(ctx.response(), e);
            return;
        }
        run(ctx, status, () -> action.apply(body));
    }

    private void run(RoutingContext ctx, int status, Callable<Object> action) {
        vertx.executeBlocking(() -> AdminJson.write(action.call()), false).onComplete(result -> {
            if (result.failed()) {
                Errors.send(ctx.response(), result.cause());
            } else {
                ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                        .end(Buffer.buffer(result.result()));
            }
        });
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
