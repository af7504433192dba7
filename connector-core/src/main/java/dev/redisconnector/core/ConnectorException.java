package dev.redisconnector.core;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception root of the connector: a code, the step that failed and a message safe to show a user. Every
 * failure the connector reports is one (the registry's and the server's own are subclasses or instances), so one
 * mapper turns any of them into an answer.
 *
 * <p>Messages never contain secrets or stack traces; the cause (when present) is for logs. Immutable.
 */
public class ConnectorException extends RuntimeException {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorException.class);

    private final ErrorCode code;
    private final Step step;
    private final Duration retryAfter;

    public ConnectorException(ErrorCode code, Step step, String message, Throwable cause) {
        this(code, step, message, cause, null);
    }

    /** For subclasses that carry more for the log than for the user. */
    protected ConnectorException(ErrorCode code, Step step, String message, Throwable cause,
                                 Duration retryAfter) {
        // no stack trace: this is an expected outcome reported to users, and filling one costs on every error
        super(Objects.requireNonNull(message, "message"), cause, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.step = Objects.requireNonNull(step, "step");
        this.retryAfter = retryAfter;
    }

    /** {@code RATE_LIMITED}, to be retried after {@code retryAfter}. */
    public static ConnectorException rateLimited(String message, Duration retryAfter) {
        return new ConnectorException(ErrorCode.RATE_LIMITED, Step.POLICY, message, null, retryAfter);
    }

    /** {@code POOL_EXHAUSTED}, to be retried after {@code retryAfter}. */
    public static ConnectorException poolExhausted(String message, Duration retryAfter) {
        return new ConnectorException(ErrorCode.POOL_EXHAUSTED, Step.EXECUTION, message, null, retryAfter);
    }

    /** The same failure with {@code prefix} before its message (e.g. which command of a transaction failed). */
    public ConnectorException prefixed(String prefix) {
        return new ConnectorException(code, step, prefix + getMessage(), getCause(), retryAfter);
    }

    /** When a {@code RATE_LIMITED} or {@code POOL_EXHAUSTED} request may be retried, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public ConnectorException(ErrorCode code, String message) {
        this(code, code.defaultStep(), message, null);
    }

    public ConnectorException(ErrorCode code, String message, Throwable cause) {
        this(code, code.defaultStep(), message, cause);
    }

    /** The failure's code. */
    public ErrorCode code() {
        return code;
    }

    /** The pipeline step that failed. */
    public Step step() {
        return step;
    }

    /** The same failure reported under another step (e.g. a registry outage during credential retrieval). */
    public ConnectorException atStep(Step newStep) {
        return newStep == step ? this : new ConnectorException(code, newStep, getMessage(), getCause(), retryAfter);
    }

    /** {@code NOT_LOGGED_IN} with the specification's message. */
    public static ConnectorException notLoggedIn() {
        return new ConnectorException(ErrorCode.NOT_LOGGED_IN, "Please log in to run Redis commands.");
    }

    /** A failure with {@code code} at {@code step}. */
    public static ConnectorException of(ErrorCode code, Step step, String message) {
        return new ConnectorException(code, step, message, null);
    }

    /**
     * What actually failed: {@code failure} without the {@link java.util.concurrent.CompletionException} and
     * {@link java.util.concurrent.ExecutionException} wrappers that futures add. The one unwrap helper.
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException
                || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * {@code INTERNAL} at {@code step} with a fresh reference: the failure's type is logged under it (its detail at
     * debug) and the message carries only the reference. The one place an unexpected failure becomes an answer.
     */
    public static ConnectorException internal(Throwable cause, Step step) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error ref={} step={} type={}", reference, step.wireName(), cause.getClass().getName());
        LOG.debug("internal error ref={} detail", reference, cause);
        return new ConnectorException(ErrorCode.INTERNAL, step, "An internal error occurred (reference " + reference
                + ").", cause);
    }

    /** The code a failure is reported with: its own for a connector failure, {@code INTERNAL} otherwise. */
    public static ErrorCode codeOf(Throwable failure) {
        return unwrap(failure) instanceof ConnectorException known ? known.code() : ErrorCode.INTERNAL;
    }

    /** {@code INVALID_REQUEST} with the given explanation. */
    public static ConnectorException invalidRequest(String message) {
        return new ConnectorException(ErrorCode.INVALID_REQUEST, message);
    }

    /** {@code REGISTRY_UNAVAILABLE} at the given step. */
    public static ConnectorException registryUnavailable(Step step, Throwable cause) {
        return new ConnectorException(ErrorCode.REGISTRY_UNAVAILABLE, step,
                "The service registry is unavailable; try again shortly.", cause);
    }

    @Override
    public final String toString() {
        return "ConnectorException[" + code + " at " + step.wireName() + ": " + getMessage() + "]";
    }
}
