package dev.redisconnector.server.http;

import dev.redisconnector.core.Step;
import dev.redisconnector.core.ErrorCode;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * HTTP/1.1 framing the server refuses rather than guesses (RFC 9112 section 6.1): a request with both
 * {@code Content-Length} and {@code Transfer-Encoding} is answered 400 and its connection closed, so a body can never
 * smuggle a second request past a proxy that read the length the other way. Also turns every request the decoder
 * rejects (414 request line too long, 431 headers too large, 400 malformed) into the JSON error body.
 *
 * <p>Netty's decoder either drops the {@code Content-Length} of such a request and reads it as chunked, or (its RFC
 * 9112 mode) fails it with a generic exception; this subclass fails it with its own, and Vert.x hands failed requests
 * to {@link #answerInvalid}. Relies on Vert.x's
 * HTTP/1.x pipeline naming its decoder {@code httpDecoder}; when it does not, the request is still parsed as chunked
 * (Netty's default) and nothing else changes. Thread-safe (one decoder per connection).
 */
public final class StrictFraming extends VertxHttpRequestDecoder {

    static final String AMBIGUOUS = "A request may not carry both Content-Length and Transfer-Encoding (RFC 9112,"
            + " section 6.1).";

    private StrictFraming(HttpServerOptions options) {
        super(options);
    }

    /** Fails the request as ambiguous (the decoder turns the exception into the request's failed result). */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new AmbiguousLength();
    }

    /** Puts the strict decoder in place of Vert.x's on a new HTTP/1.x connection. */
    public static void install(HttpConnection connection, HttpServerOptions options) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get("httpDecoder") instanceof VertxHttpRequestDecoder current
                    && !(current instanceof StrictFraming)) {
                pipeline.replace("httpDecoder", "httpDecoder", new StrictFraming(options));
            }
        }
    }

    /** Answers a request the decoder rejected with the JSON error body, then closes the connection. */
    public static void answerInvalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
        int status = 400;
        String message = "The request is not well-formed HTTP/1.1.";
        if (cause instanceof AmbiguousLength || cause instanceof ContentLengthNotAllowedException) {
            message = AMBIGUOUS;
        } else if (cause instanceof TooLongFrameException && cause.getMessage() != null) {
            if (cause.getMessage().startsWith("An HTTP line is larger than")) {
                status = 414;
                message = "The request line is too long.";
            } else if (cause.getMessage().startsWith("HTTP header is larger than")) {
                status = 431;
                message = "The request's header fields are too large.";
            }
        }
        HttpConnection connection = request.connection();
        request.response().setStatusCode(status).putHeader("connection", "close")
                .putHeader("content-type", "application/json")
                .end(new ApiError(ErrorCode.INVALID_REQUEST, Step.HTTP, message, status).toJson())
                .onComplete(ignored -> connection.close());
    }

    /** The decoder's mark on a request whose body length is ambiguous. */
    static final class AmbiguousLength extends IllegalArgumentException {
        AmbiguousLength() {
            super(AMBIGUOUS, null);
        }
    }
}
