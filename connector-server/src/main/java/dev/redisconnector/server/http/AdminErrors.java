package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;

/** The operator API's own failures, as {@link ConnectorException}s at step {@code admin}. Stateless. */
public final class AdminErrors {

    private AdminErrors() {
    }

    /** {@code 400 INVALID_REQUEST}: the operator's input does not validate. */
    public static ConnectorException invalid(String message) {
        return ConnectorException.of(ErrorCode.INVALID_REQUEST, Step.ADMIN, message);
    }

    /** {@code 404 NOT_FOUND}: no such client, service or session. */
    public static ConnectorException notFound(String message) {
        return ConnectorException.of(ErrorCode.NOT_FOUND, Step.ADMIN, message);
    }
}
