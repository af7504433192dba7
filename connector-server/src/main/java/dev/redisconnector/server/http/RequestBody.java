package dev.redisconnector.server.http;

import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.function.Consumer;

/**
 * Reads a request body up to a limit without a router: past the limit the bytes are dropped as they arrive (never
 * held) and the caller is told once the request ends. Not thread-safe; one per request, on its event loop.
 */
public final class RequestBody {

    private final Buffer body;
    private final int maxBytes;
    private boolean tooLarge;

    private RequestBody(String declared, int maxBytes) {
        this.maxBytes = maxBytes;
        int expected = 256;
        if (declared != null) {
            try {
                expected = (int) Math.min(Math.max(Long.parseLong(declared.strip()), 0), maxBytes);
            } catch (NumberFormatException ignored) {
                // chunked or malformed: grow as needed
            }
        }
        this.body = Buffer.buffer(expected);
    }

    /**
     * Reads {@code request}'s body, then calls {@code onBody} with it, or {@code onTooLarge} when it is (or declares
     * to be) over {@code maxBytes}. On HTTP/1.1 a too-large request's connection is closed after the answer.
     */
    public static void read(HttpServerRequest request, int maxBytes, Consumer<Buffer> onBody,
                            Runnable onTooLarge) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declaredTooLong(declared, maxBytes)) {
            discardThenClose(request);
            onTooLarge.run();
            return;
        }
        RequestBody reader = new RequestBody(declared, maxBytes);
        request.handler(reader::append);
        request.exceptionHandler(failure -> request.connection().close());
        request.endHandler(ignored -> {
            if (reader.tooLarge) {
                closeAfterAnswer(request);
                onTooLarge.run();
            } else {
                onBody.accept(reader.body);
            }
        });
    }

    private static boolean declaredTooLong(String declared, int maxBytes) {
        try {
            return Long.parseLong(declared.strip()) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void closeAfterAnswer(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_2) {
            // HTTP/1.1: the rest of the body would still arrive on this connection; close it after the answer
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            request.response().endHandler(ignored -> request.connection().close());
        }
    }

    /** The one answer to a body over {@code RC_MAX_BODY_BYTES} (413). */
    public static final ApiError TOO_LARGE = new ApiError(ErrorCode.INVALID_REQUEST,
            Step.COMMAND, "The request body is larger than the limit (RC_MAX_BODY_BYTES).",
            413);

    /** Most bytes of an over-limit body read and dropped after the 413 answer before the connection closes. */
    static final long LINGER_BYTES = 64L * 1024 * 1024;
    /** Longest time spent doing so. */
    static final long LINGER_MILLIS = 3000;

    /**
     * Answers now and closes later, as nginx's lingering close does: a client that writes its whole (over-limit) body
     * before it reads gets to read the 413 instead of a connection reset. The rest of the body is read and dropped, up
     * to {@link #LINGER_BYTES} or {@link #LINGER_MILLIS}, whichever comes first; then the connection closes.
     */
    public static void discardThenClose(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            return;
        }
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        long[] dropped = {0};
        // the channel itself: Vert.x's close() would wait for this request, whose body is still arriving
        Runnable close = () -> {
            if (request.connection() instanceof ConnectionBase base) {
                base.channel().close();
            } else {
                request.connection().close();
            }
        };
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > LINGER_BYTES) {
                close.run();
            }
        });
        request.exceptionHandler(failure -> close.run());
        request.endHandler(ignored -> close.run());
        request.resume();
        // the connection's own context: this may run on a registry thread, where there is no current context
        if (request.connection() instanceof ConnectionBase base) {
            base.context().owner().setTimer(LINGER_MILLIS, ignored -> close.run());
        }
    }

    private void append(Buffer chunk) {
        if (tooLarge) {
            return;
        }
        if ((long) body.length() + chunk.length() > maxBytes) {
            tooLarge = true;
        } else {
            body.appendBuffer(chunk);
        }
    }
}
