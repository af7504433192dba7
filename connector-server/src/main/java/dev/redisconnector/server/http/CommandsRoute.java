package dev.redisconnector.server.http;

import dev.redisconnector.core.Encoding;
import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.reply.ReplyJson;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * {@code GET /v1/redis/commands}: for the session's own service, every command of the server's command table with
 * its arity, flags, key positions and {@code COMMAND DOCS} (summary, group, since, complexity, arguments), and
 * whether this session may run it ({@code allowed}, and {@code refusal} with the policy's reason when not). What the
 * console completes from. Stateless.
 */
public final class CommandsRoute {

    /** The path. */
    public static final String PATH = "/v1/redis/commands";

    private final RedisConnector connector;

    public CommandsRoute(RedisConnector connector) {
        this.connector = connector;
    }

    public void handle(HttpServerRequest request) {
        Context context = Vertx.currentContext();
        connector.authenticate(ExecuteHandler.bearer(request.getHeader("authorization")))
                .thenCompose(connector::commandsAsync)
                .whenComplete((commands, failure) -> context.runOnContext(ignored -> {
                    if (failure != null) {
                        Errors.send(request.response(), failure);
                    } else {
                        request.response().putHeader("content-type", "application/json")
                                .putHeader("cache-control", "no-store").end(json(commands));
                    }
                }));
    }

    static String json(List<RedisConnector.CommandInfo> commands) {
        StringBuilder out = new StringBuilder(commands.size() * 400).append("{\"commands\":[");
        for (int i = 0; i < commands.size(); i++) {
            RedisConnector.CommandInfo info = commands.get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"name\":");
            ReplyJson.writeString(info.spec().name().toUpperCase(java.util.Locale.ROOT), out);
            out.append(",\"arity\":").append(info.spec().arity()).append(",\"flags\":[");
            int f = 0;
            for (String flag : new java.util.TreeSet<>(info.spec().flags())) {
                out.append(f++ > 0 ? "," : "");
                ReplyJson.writeString(flag, out);
            }
            out.append("],\"firstKey\":").append(info.spec().firstKey()).append(",\"lastKey\":")
                    .append(info.spec().lastKey()).append(",\"step\":").append(info.spec().step())
                    .append(",\"allowed\":").append(info.allowed());
            if (info.refusal() != null) {
                out.append(",\"refusal\":");
                ReplyJson.writeString(info.refusal(), out);
            }
            out.append(",\"docs\":");
            ReplyJson.write(info.docs() == null ? Reply.NullReply.INSTANCE : info.docs(), Encoding.UTF8, out);
            out.append('}');
        }
        return out.append("]}").toString();
    }
}
