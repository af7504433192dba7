package dev.redisconnector.core.spi;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Step 4: fetches the decrypted credentials of a service. Thread-safe.
 *
 * <p>Empty means no credentials record exists ({@code NO_CREDENTIALS}); a service without a password has a record of
 * kind {@link RedisCredentials.Kind#NONE}.
 */
@FunctionalInterface
public interface CredentialStore {

    /** The service's credentials, or empty when none are stored. */
    CompletionStage<Optional<RedisCredentials>> findCredentials(RedisService service);
}
