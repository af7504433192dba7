package dev.redisconnector.core;

/**
 * Every failure the connector reports, with the step it normally belongs to and its HTTP status.
 *
 * <p>This enum is the one list of codes: the HTTP API's reference (docs/HTTP-API.md) and the OpenAPI document list
 * exactly these (a test compares the document with this enum).
 */
public enum ErrorCode {
    /** No session, or a bad, expired or revoked token. */
    NOT_LOGGED_IN(Step.SESSION, 401),
    /** {@code inputs.command} missing or blank. */
    COMMAND_REQUIRED(Step.COMMAND, 400),
    /** The request is malformed: wrong types, bad JSON, bad base64, over a limit. */
    INVALID_REQUEST(Step.COMMAND, 400),
    /** The command is refused for this service or for every shared connection. */
    COMMAND_NOT_ALLOWED(Step.POLICY, 403),
    /** The client sent more requests than its rate limit allows; retry after the time the error gives. */
    RATE_LIMITED(Step.POLICY, 429),
    /** No Redis service is registered for the session's client. */
    NO_REDIS_SERVICE(Step.SERVICE, 404),
    /** The service has no credentials record. */
    NO_CREDENTIALS(Step.CREDENTIALS, 424),
    /** The registry database could not be reached. */
    REGISTRY_UNAVAILABLE(Step.SERVICE, 503),
    /** Redis answered with an error; the message is Redis's own text. */
    REDIS_ERROR(Step.EXECUTION, 422),
    /** Redis could not be reached (refused, DNS, TLS) or the connection was lost. */
    REDIS_UNAVAILABLE(Step.EXECUTION, 502),
    /** Redis rejected the stored credentials. */
    REDIS_AUTH_FAILED(Step.EXECUTION, 502),
    /** No reply within the timeout; the command may have run. */
    TIMEOUT(Step.EXECUTION, 504),
    /** A watched key changed before the transaction ran, so nothing of it ran. */
    TRANSACTION_ABORTED(Step.EXECUTION, 409),
    /**
     * Every dedicated connection of the service (blocking commands, transactions) stayed busy for the whole wait;
     * nothing was sent. Retry after the time the error gives.
     */
    POOL_EXHAUSTED(Step.EXECUTION, 503),
    /** The reply is larger than the configured cap. */
    RESULT_TOO_LARGE(Step.EXECUTION, 413),
    /** A bug. The message carries a reference to the log entry, never a stack trace or a secret. */
    INTERNAL(Step.EXECUTION, 500),
    /** No such route, client, service or session (HTTP layer and operator API). */
    NOT_FOUND(Step.HTTP, 404),
    /** The operator API's token is missing or wrong. */
    UNAUTHORIZED(Step.ADMIN, 401),
    /** The route exists, but not for this HTTP method. */
    METHOD_NOT_ALLOWED(Step.HTTP, 405),
    /** The server is shutting down or not ready; retry on another instance or later. */
    SERVER_UNAVAILABLE(Step.HTTP, 503),
    /** A running server's admin API answered something the CLI could not read. */
    BAD_RESPONSE(Step.ADMIN, 502);

    private final Step defaultStep;
    private final int httpStatus;

    ErrorCode(Step defaultStep, int httpStatus) {
        this.defaultStep = defaultStep;
        this.httpStatus = httpStatus;
    }

    /** The step this code is reported under unless the pipeline knows better (e.g. registry errors). */
    public Step defaultStep() {
        return defaultStep;
    }

    /** The code named {@code name}, or {@code fallback} when there is none (codes read back from a server). */
    public static ErrorCode fromName(String name, ErrorCode fallback) {
        for (ErrorCode code : values()) {
            if (code.name().equals(name)) {
                return code;
            }
        }
        return fallback;
    }

    /** The HTTP status the server answers with. */
    public int httpStatus() {
        return httpStatus;
    }
}
