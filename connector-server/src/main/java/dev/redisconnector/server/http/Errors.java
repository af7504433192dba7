package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.registry.RegistryException;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses. Never writes a stack trace or a secret: unknown failures are
 * logged by type with a reference and answered as {@code INTERNAL}. Stateless.
 */
public final class Errors {

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    /** The API error for any failure. */
    public static ApiError toApiError(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConnectorException connectorException) {
            return ApiError.of(connectorException);
        }
        if (cause instanceof ApiException apiException) {
            return apiException.error();
        }
        if (cause instanceof RegistryException) {
            LOG.warn("registry unavailable: {}", cause.getMessage());
            return ApiError.of(ConnectorException.registryUnavailable(Step.SERVICE, cause))
                    .withStep("admin");
        }
        if (cause instanceof IllegalArgumentException invalid && invalid.getMessage() != null) {
            return ApiException.invalid(invalid.getMessage()).error();
        }
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error ref={} type={}", reference, cause.getClass().getName());
        LOG.debug("internal error ref={} detail", reference, cause);
        return new ApiError(ErrorCode.INTERNAL.httpStatus(), ErrorCode.INTERNAL.name(), "http",
                "An internal error occurred (reference " + reference + ").");
    }

    /** Ends {@code response} with the error body, unless it was already sent. */
    public static void send(HttpServerResponse response, ApiError error) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(error.status()).putHeader("content-type", "application/json");
        if (error.status() == 401) {
            response.putHeader("www-authenticate", "Bearer");
        }
        response.end(error.toJson());
    }

    /** Ends {@code response} with the error for {@code failure} ({@code Retry-After} on {@code RATE_LIMITED}). */
    public static void send(HttpServerResponse response, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConnectorException limited && limited.retryAfter() != null && !response.headWritten()) {
            response.putHeader("retry-after", Long.toString(limited.retryAfter().toSeconds()));
        }
        send(response, toApiError(failure));
    }
}
