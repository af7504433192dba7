package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path's own HTTP/1.1 handling: {@code POST /v1/redis/execute}, {@code /pipeline} and {@code /transaction}
 * are taken from the connection's decoder and answered with one pre-assembled response, without the general HTTP
 * server's per-request objects (request, response, header maps, inbound queue, promises). Everything else on the
 * connection, and every such request the fast path does not take, goes on to the general server unchanged.
 *
 * <p>A request is taken only when the answer is the same either way: HTTP/1.1, a {@code Content-Length} within
 * {@code RC_MAX_BODY_BYTES} (no chunked body, no {@code Expect}), a keep-alive connection, the exact path with no query,
 * the server not draining, its address not throttled, and no earlier request on the connection still unanswered by
 * the general server. Requests that arrive while a taken one is running (HTTP pipelining) are held, reading paused,
 * and handed on in order once it is answered, so responses never overtake each other. Errors, the request id, the
 * failed-authentication throttle, metrics and the access log are the same as on the general path ({@link Host}).
 *
 * <p>Sits right before Vert.x's connection handler ({@code handler}) and writes its responses below the HTTP encoder
 * ({@code httpEncoder}): a response is whole bytes. Not thread-safe: one per connection, on its event loop; a reply may
 * arrive on another thread and is moved to the loop.
 */
public final class ExecuteChannelHandler extends ChannelDuplexHandler {

    /** The handler's name in the pipeline. */
    public static final String NAME = "executeFastPath";

    /** What the server around the handler provides. Thread-safe. */
    public interface Host {

        /**
         * Counts a request in and says yes, unless the server is draining (the general path then answers it with
         * Connection: close). Every yes is followed by exactly one {@link #answered} or {@link #abandoned}.
         */
        boolean start();

        /** Whether {@code warmupHeader} (the request's warm-up header or {@code null}) marks the server's own. */
        boolean own(String warmupHeader);

        /** The warm-up header's name. */
        CharSequence warmupHeader();

        /** Seconds until {@code address} may authenticate again; {@code 0}: now. */
        long retryAfterSeconds(String address);

        /** The request id to answer with, given the one the caller offered (or {@code null}). */
        String requestId(String offered);

        /** A taken request's connection closed before its body was read: nothing ran, nothing is answered. */
        void abandoned();

        /**
         * A taken request was answered with {@code status} ({@code address}: the remote address when the throttle
         * applies to it, else {@code null}); the same bookkeeping as the general path's.
         */
        void answered(String requestId, String path, int status, long startedNanos, String address);
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEAD_200 = ascii("HTTP/1.1 200 OK\r\n");
    private static final byte[] CONTENT = ascii("content-type: application/json\r\ncontent-length: ");
    private static final byte[] REQUEST_ID = ascii("\r\nx-request-id: ");
    /** The handlers of Vert.x's HTTP/1.1 pipeline that never pair a request with its response. */
    private static final Set<String> KNOWN_HANDLERS = Set.of("httpDecoder", "httpEncoder", "idle", "chunkedWriter",
            "handler");
    private static final AtomicBoolean UNEXPECTED_LOGGED = new AtomicBoolean();
    private static final Logger LOG = LoggerFactory.getLogger(ExecuteChannelHandler.class);
    private static final CharSequence X_REQUEST_ID = HttpHeaders.newEntity("x-request-id");

    private final ExecuteHandler execute;
    private final Host host;
    private final String address;
    /** The HTTP encoder's context: writing from it skips the encoder. */
    private ChannelHandlerContext below;
    private ChannelHandlerContext self;
    /** Requests handed on to the general server, and the responses it finished. */
    private long handedOn;
    private long finishedByServer;
    /** The request this handler took and has not answered yet, or {@code null}. */
    private Taken current;
    /** What arrived while {@link #current} runs, in order (reading is paused meanwhile), or {@code null}. */
    private ArrayDeque<Object> held;

    private ExecuteChannelHandler(ExecuteHandler execute, Host host, String address) {
        this.execute = execute;
        this.host = host;
        this.address = address;
    }

    /**
     * Puts the handler on a new HTTP/1.x connection and says whether it did: not where Vert.x's pipeline holds a
     * handler it does not know (logged once; the connection then works as before). {@code address} is the remote host
     * the throttle counts, or {@code null} when the throttle is off.
     */
    public static boolean install(HttpConnection connection, ExecuteHandler execute, Host host, String address) {
        if (!(connection instanceof ConnectionBase base)) {
            return false;
        }
        ChannelPipeline pipeline = base.channel().pipeline();
        List<String> names = pipeline.names();
        // a handler that pairs requests with responses (WebSocket extensions, compression) would never see the
        // fast path's answers, which skip the HTTP encoder: only a pipeline of known handlers gets the fast path
        for (String name : names) {
            if (!KNOWN_HANDLERS.contains(name) && !name.startsWith("DefaultChannelPipeline$TailContext")
                    && !name.startsWith("ServerChannelLoadBalancer#")) {
                if (UNEXPECTED_LOGGED.compareAndSet(false, true)) {
                    LOG.warn("execute fast path off: the HTTP pipeline has a handler it does not know ({}; all: {})",
                            name, names);
                }
                return false;
            }
        }
        if (pipeline.get("handler") == null || pipeline.context("httpEncoder") == null) {
            return false;
        }
        pipeline.addBefore("handler", NAME, new ExecuteChannelHandler(execute, host, address));
        return true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        below = ctx.pipeline().context("httpEncoder");
        self = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg);
        } else {
            read(ctx, msg);
        }
    }

    private void read(ChannelHandlerContext ctx, Object msg) {
        if (current != null) {
            if (current.dispatched || !(msg instanceof HttpContent content)) {
                hold(ctx, msg);
            } else {
                body(ctx, content);
            }
            return;
        }
        if (msg instanceof HttpRequest request) {
            Taken taken = handedOn == finishedByServer ? take(request) : null;
            if (taken == null) {
                handedOn++;
                ctx.fireChannelRead(msg);
                return;
            }
            current = taken;
            if (msg instanceof HttpContent content) {
                body(ctx, content);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The request as this handler takes it, or {@code null} when it goes to the general server. */
    private Taken take(HttpRequest request) {
        if (!request.decoderResult().isSuccess() || !HttpMethod.POST.equals(request.method())
                || !HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
            return null;
        }
        ExecuteHandler.Kind kind = ExecuteHandler.Kind.of(request.uri());
        HttpHeaders headers = request.headers();
        if (kind == null || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                || headers.contains(HttpHeaderNames.EXPECT)) {
            return null;
        }
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null && !"keep-alive".equalsIgnoreCase(connection.strip())) {
            return null;
        }
        long length = contentLength(headers.get(HttpHeaderNames.CONTENT_LENGTH));
        if (length < 0 || length > execute.maxBodyBytes()) {
            return null;
        }
        String throttled = host.own(headers.get(host.warmupHeader())) ? null : address;
        if (throttled != null && host.retryAfterSeconds(throttled) > 0 || !host.start()) {
            return null;
        }
        return new Taken(kind, headers.get(HttpHeaderNames.AUTHORIZATION),
                host.requestId(headers.get(X_REQUEST_ID)), (int) length, throttled, System.nanoTime());
    }

    private static long contentLength(String value) {
        if (value == null || value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private void body(ChannelHandlerContext ctx, HttpContent content) {
        Taken taken = current;
        ExecuteBody plain = null;
        try {
            if (!content.decoderResult().isSuccess()) {
                // the body broke off mid-way (the decoder gave up): nothing sensible to answer on this connection
                ctx.close();
                return;
            }
            ByteBuf data = content.content();
            if (taken.body == null && content instanceof LastHttpContent && taken.kind == ExecuteHandler.Kind.EXECUTE
                    && data.readableBytes() == taken.length) {
                // the whole body in one piece, as almost always: the plain shape is read where it lies
                plain = PlainExecuteBody.tryParse(data);
            }
            if (plain == null && data.isReadable()) {
                if (taken.body == null) {
                    taken.body = Unpooled.buffer(taken.length, taken.length);
                }
                taken.body.writeBytes(data, Math.min(data.readableBytes(), taken.body.writableBytes()));
            }
        } finally {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            taken.dispatched = true;
            execute.execute(taken.kind, taken.authorization, plain != null ? null
                    : BufferInternal.buffer(taken.body == null ? Unpooled.EMPTY_BUFFER : taken.body), plain, taken);
        }
    }

    private void hold(ChannelHandlerContext ctx, Object msg) {
        if (held == null) {
            held = new ArrayDeque<>();
            ctx.channel().config().setAutoRead(false);
        }
        held.add(msg);
    }

    /** After a taken request is answered: what arrived meanwhile is read now, in order. */
    private void resume(ChannelHandlerContext ctx) {
        ArrayDeque<Object> queue = held;
        held = null;
        Object msg;
        while (held == null && (msg = queue.poll()) != null) {
            read(ctx, msg);
        }
        if (held != null) {
            held.addAll(queue);
        } else {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            finishedByServer++;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null && !current.dispatched) {
            // closed before the whole body came: nothing ran, nothing to answer
            current = null;
            host.abandoned();
        }
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }

    /** One taken request; told its outcome once, from any thread. */
    private final class Taken implements ExecuteHandler.Reply {

        private final ExecuteHandler.Kind kind;
        private final String authorization;
        private final String requestId;
        private final int length;
        private final String address;
        private final long started;
        private ByteBuf body;
        private boolean dispatched;

        Taken(ExecuteHandler.Kind kind, String authorization, String requestId, int length, String address,
              long started) {
            this.kind = kind;
            this.authorization = authorization;
            this.requestId = requestId;
            this.length = length;
            this.address = address;
            this.started = started;
        }

        @Override
        public void finish(byte[] json, Throwable failure) {
            if (self.executor().inEventLoop()) {
                respond(json, failure);
            } else {
                self.executor().execute(() -> respond(json, failure));
            }
        }

        private void respond(byte[] json, Throwable failure) {
            int status = 200;
            ByteBuf out;
            if (failure == null) {
                out = response(status, HEAD_200, json, null);
            } else {
                ConnectorException classified = Errors.classify(failure);
                ApiError error = ApiError.of(classified);
                status = error.status();
                byte[] head = ascii("HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase()
                        + "\r\n");
                out = response(status, head, error.toJson().getBytes(StandardCharsets.UTF_8), classified.retryAfter());
            }
            if (self.channel().isActive()) {
                below.writeAndFlush(out, below.voidPromise());
            } else {
                out.release();
            }
            host.answered(requestId, kind.path(), status, started, address);
            if (current == this) {
                current = null;
                if (held != null) {
                    resume(self);
                }
            }
        }

        /** The whole response; an error's own headers are those {@link Errors#headers} gives the general server. */
        private ByteBuf response(int status, byte[] head, byte[] json, Duration retryAfter) {
            ByteBuf out = self.alloc().buffer(head.length + 96 + requestId.length() + json.length);
            out.writeBytes(head);
            if (status != 200) {
                Errors.headers(status, retryAfter, (name, value) -> out.writeBytes(ascii(name + ": " + value))
                        .writeBytes(CRLF));
            }
            out.writeBytes(CONTENT).writeCharSequence(Integer.toString(json.length), StandardCharsets.US_ASCII);
            out.writeBytes(REQUEST_ID).writeCharSequence(requestId, StandardCharsets.US_ASCII);
            out.writeBytes(CRLF).writeBytes(CRLF).writeBytes(json);
            return out;
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
