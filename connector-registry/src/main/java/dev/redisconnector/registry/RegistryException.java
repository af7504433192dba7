package dev.redisconnector.registry;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;

/**
 * The registry database could not be used: {@code REGISTRY_UNAVAILABLE}. Users see only that; {@link #detail()}
 * (never a password: URLs are masked) is for the operator's log and the CLI.
 */
public final class RegistryException extends ConnectorException {

    private final String detail;

    public RegistryException(String detail, Throwable cause) {
        super(ErrorCode.REGISTRY_UNAVAILABLE, Step.SERVICE, "The service registry is unavailable; try again shortly.",
                cause, null);
        this.detail = detail;
    }

    /** What failed, for the operator. */
    public String detail() {
        return detail;
    }
}
