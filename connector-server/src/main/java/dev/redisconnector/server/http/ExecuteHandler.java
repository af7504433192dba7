package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.Encoding;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.PipelineResult;
import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.Step;
import dev.redisconnector.core.reply.ReplyJson;
import dev.redisconnector.core.reply.ReplyJsonBytes;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v1/redis/execute}, {@code /v1/redis/pipeline} and {@code /v1/redis/transaction}, handled straight
 * from the HTTP server (no router, no generic body handler: this is the hot path). Reads the body up to the
 * configured limit, runs the pipeline and answers on the request's own event loop; when the Redis reply arrives on
 * that same thread it is written without any hand-off. {@link ExecuteChannelHandler} takes most of these requests
 * before the general HTTP server sees them and runs them through {@link #execute} too. Thread-safe.
 */
public final class ExecuteHandler {

    /** The path this handler serves. */
    public static final String PATH = "/v1/redis/execute";
    /** The pipeline path. */
    public static final String PIPELINE_PATH = "/v1/redis/pipeline";
    /** The transaction path. */
    public static final String TRANSACTION_PATH = "/v1/redis/transaction";

    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final byte[] OUTPUT_PREFIX = "{\"output1\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OUTPUT_SUFFIX = {'}'};

    private final RedisConnector connector;
    private final int maxBodyBytes;

    public ExecuteHandler(RedisConnector connector, int maxBodyBytes) {
        this.connector = connector;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Whether this handler serves the request (POST to {@link #PATH}). */
    public boolean matches(HttpServerRequest request) {
        return request.method() == HttpMethod.POST && Kind.of(request.path()) != null;
    }

    /** The most bytes a request body may have ({@code RC_MAX_BODY_BYTES}). */
    int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Reads the body and runs the request. */
    public void handle(HttpServerRequest request) {
        RequestBody.read(request, maxBodyBytes, body -> execute(Kind.of(request.path()),
                request.getHeader(HttpHeaders.AUTHORIZATION), body, null, new Exchange(request.response(),
                        Vertx.currentContext(), Thread.currentThread())), () -> Errors.send(request.response(),
                RequestBody.TOO_LARGE));
    }

    /**
     * Runs one request whose body has been read: {@code authorization} is the request's header (or {@code null}),
     * {@code kind} says which of the three paths it came to, the body is either {@code body} (read here) or, for
     * {@link Kind#EXECUTE}, already {@code parsed}, and {@code reply} is told the outcome exactly once.
     */
    void execute(Kind kind, String authorization, Buffer body, ExecuteBody parsed, Reply reply) {
        CompletableFuture<Session> session = connector.authenticate(bearer(authorization)).toCompletableFuture();
        if (session.isDone() && !session.isCompletedExceptionally()) {
            run(kind, reply, session.join(), body, parsed);
        } else {
            session.whenComplete((live, failure) -> {
                if (failure != null) {
                    reply.finish(null, failure);
                } else {
                    run(kind, reply, live, body, parsed);
                }
            });
        }
    }

    /** Runs the request; whatever our own code throws still gets an answer ({@code INTERNAL}), never a hang. */
    private void run(Kind kind, Reply exchange, Session session, Buffer body, ExecuteBody parsed) {
        try {
            if (kind == Kind.EXECUTE) {
                runExecute(exchange, session, body, parsed);
            } else {
                runPipeline(kind, exchange, session, body);
            }
        } catch (RuntimeException e) {
            exchange.finish(null, e);
        }
    }

    private void runExecute(Reply exchange, Session session, Buffer body, ExecuteBody parsed) {
        if (parsed == null) {
            try {
                parsed = ExecuteBody.parse(body);
            } catch (RuntimeException e) {
                exchange.finish(null, e);
                return;
            }
        }
        Encoding encoding = parsed.options().encoding();
        connector.executeAsync(session, parsed.inputs(), parsed.options()).whenComplete((reply, failure) ->
                exchange.finish(failure == null ? ReplyJsonBytes.encode(reply, encoding, OUTPUT_PREFIX, OUTPUT_SUFFIX)
                        : null, failure));
    }

    private void runPipeline(Kind kind, Reply exchange, Session session, Buffer body) {
        ExecuteBody.Pipeline parsed;
        try {
            parsed = ExecuteBody.parsePipeline(body);
        } catch (RuntimeException e) {
            exchange.finish(null, e);
            return;
        }
        Encoding encoding = parsed.options().encoding();
        CompletionStage<List<PipelineResult>> results =
                kind == Kind.PIPELINE
                        ? pipelineWithoutWatch(session, parsed)
                        : connector.executeTransactionAsync(session, parsed.commands(), parsed.watch(),
                                parsed.options());
        results.whenComplete((done, failure) ->
                exchange.finish(failure == null ? pipelineJson(done, encoding) : null, failure));
    }

    private CompletionStage<List<PipelineResult>>
            pipelineWithoutWatch(Session session, ExecuteBody.Pipeline parsed) {
        if (!parsed.watch().isEmpty()) {
            return CompletableFuture.failedFuture(ConnectorException.invalidRequest(
                    "inputs.watch only applies to transactions (POST " + TRANSACTION_PATH + ")."));
        }
        return connector.executePipelineAsync(session, parsed.commands(), parsed.options());
    }

    /** {@code {"output1": [reply, {"error": "...", "code": "..."}, ...]}}. */
    static byte[] pipelineJson(List<PipelineResult> results, Encoding encoding) {
        StringBuilder out = new StringBuilder(64 * results.size() + 16).append("{\"output1\":[");
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            PipelineResult result = results.get(i);
            if (result.ok()) {
                ReplyJson.write(result.reply(), encoding, out);
            } else {
                out.append("{\"error\":");
                ReplyJson.writeString(result.error().getMessage(), out);
                out.append(",\"code\":");
                ReplyJson.writeString(result.error().code().name(), out);
                out.append('}');
            }
        }
        return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Which of the three paths a request came to. */
    enum Kind {
        EXECUTE(PATH), PIPELINE(PIPELINE_PATH), TRANSACTION(TRANSACTION_PATH);

        private final String path;

        Kind(String path) {
            this.path = path;
        }

        /** The path this kind is served on. */
        String path() {
            return path;
        }

        /** The kind of {@code path}, or {@code null} when this handler does not serve it. */
        static Kind of(String path) {
            return switch (path) {
                case PATH -> EXECUTE;
                case PIPELINE_PATH -> PIPELINE;
                case TRANSACTION_PATH -> TRANSACTION;
                default -> null;
            };
        }
    }

    /** Where a request's outcome goes: exactly one call, from any thread. */
    interface Reply {
        /** The reply's JSON, or {@code failure} (then {@code json} is {@code null}). */
        void finish(byte[] json, Throwable failure);
    }

    /** One request's response: written on the request's event loop, directly when already there. */
    private record Exchange(HttpServerResponse response, Context context, Thread requestThread) implements Reply {

        @Override
        public void finish(byte[] json, Throwable failure) {
            if (Thread.currentThread() == requestThread || context == null) {
                write(json, failure);
            } else {
                context.runOnContext(ignored -> write(json, failure));
            }
        }

        private void write(byte[] json, Throwable failure) {
            if (failure != null) {
                Errors.send(response, failure);
            } else if (!response.ended() && !response.closed()) {
                // wrapped, not copied (Buffer.buffer(byte[]) copies)
                response.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                        .end(BufferInternal.buffer(Unpooled.wrappedBuffer(json)));
            }
        }
    }

    /** The token of an {@code Authorization: Bearer} header, or {@code null}. */
    public static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }
}
