package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.Step;
import dev.redisconnector.registry.RegistryException;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.function.BiConsumer;
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

    /**
     * Classifies any failure once: a {@link ConnectorException} (the root of every failure the connector reports,
     * the registry's included) as it is; anything else is a bug, logged by type with a reference and answered as
     * {@code INTERNAL} 500 with only that reference. An {@link IllegalArgumentException} from our own code is such a
     * bug too: input validation throws {@code INVALID_REQUEST} itself.
     */
    public static ConnectorException classify(Throwable failure) {
        Throwable cause = ConnectorException.unwrap(failure);
        if (cause instanceof RegistryException registry) {
            LOG.warn("registry unavailable: {}", registry.detail());
            return registry.atStep(Step.ADMIN);
        }
        if (cause instanceof ConnectorException known) {
            return known;
        }
        return internal(cause);
    }

    /** {@code INTERNAL} with a fresh reference; the failure's type is logged under it (its detail at debug). */
    public static ConnectorException internal(Throwable cause) {
        return ConnectorException.internal(cause, Step.HTTP);
    }

    /** The native API's error for any failure. */
    public static ApiError toApiError(Throwable failure) {
        return ApiError.of(classify(failure));
    }

    /** Ends {@code response} with the error body, unless it was already sent. */
    public static void send(HttpServerResponse response, ApiError error) {
        send(response, error, null);
    }

    /** Ends {@code response} with the error for {@code failure} ({@code Retry-After} on {@code RATE_LIMITED}). */
    public static void send(HttpServerResponse response, Throwable failure) {
        ConnectorException classified = classify(failure);
        send(response, ApiError.of(classified), classified.retryAfter());
    }

    private static void send(HttpServerResponse response, ApiError error, Duration retryAfter) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(error.status()).putHeader("content-type", "application/json");
        headers(error.status(), retryAfter, response::putHeader);
        response.end(error.toJson());
    }

    /**
     * The headers an error answer carries besides its content type, for every path that answers one (the Vert.x
     * responses here and the execute fast path's own bytes): {@code www-authenticate: Bearer} on 401 and
     * {@code retry-after} (whole seconds) when the failure says when to try again.
     */
    public static void headers(int status, Duration retryAfter, BiConsumer<String, String> header) {
        if (status == 401) {
            header.accept("www-authenticate", "Bearer");
        }
        if (retryAfter != null) {
            header.accept("retry-after", Long.toString(retryAfter.toSeconds()));
        }
    }
}
