package dev.redisconnector.core.execution;

import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import java.util.Objects;

/**
 * Where a command runs: a service and the credentials to use with it. Immutable; {@code toString()} masks secrets.
 */
public record ExecutionTarget(RedisService service, RedisCredentials credentials) {

    public ExecutionTarget {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(credentials, "credentials");
    }
}
