package dev.redisconnector.core.spi;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Step 3: finds the Redis service registered for a client. Thread-safe.
 *
 * <p>A stage that fails (for instance because the database is down) is reported as {@code REGISTRY_UNAVAILABLE}.
 */
@FunctionalInterface
public interface ServiceRegistry {

    /** The client's service, or empty when none is registered. */
    CompletionStage<Optional<RedisService>> findService(String clientId);
}
