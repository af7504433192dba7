package dev.redisconnector.core.execution;

import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import java.util.Objects;

/**
 * Where a command runs: a service, the credentials to use with it and the protocol to speak. Immutable;
 * {@code toString()} masks secrets.
 */
public record ExecutionTarget(RedisService service, RedisCredentials credentials, RespProtocol protocol) {

    public ExecutionTarget {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** A target spoken to in RESP3 where the server supports it. */
    public ExecutionTarget(RedisService service, RedisCredentials credentials) {
        this(service, credentials, RespProtocol.RESP3);
    }

    /** This target spoken to in {@code value} (this same object when it already is). */
    public ExecutionTarget on(RespProtocol value) {
        return value == protocol ? this : new ExecutionTarget(service, credentials, value);
    }
}
