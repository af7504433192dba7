package dev.redisconnector.core.spi;

import dev.redisconnector.core.Session;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Step 1: turns a session token into a {@link Session}.
 *
 * <p>Implementations must be thread-safe and should answer from memory when they can: a completed stage keeps the
 * request on the calling thread. An empty result means "not logged in" (unknown, expired or revoked token).
 */
@FunctionalInterface
public interface SessionValidator {

    /**
     * Validates a token.
     *
     * @param sessionToken the token exactly as presented; never {@code null} or blank (the pipeline rejects those)
     * @return the session, or empty when the token does not belong to a live session
     */
    CompletionStage<Optional<Session>> validate(String sessionToken);
}
