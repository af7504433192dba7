package dev.redisconnector.registry;

import dev.redisconnector.core.spi.RedisCredentials;
import java.time.Instant;

/**
 * What may be shown about stored credentials: never the password. Immutable.
 *
 * @param kind     none or password
 * @param username ACL username or {@code null}
 * @param setAt    when they were set
 * @param keyId    the master key they are encrypted with ({@code null} for kind none)
 * @param sentinelAuth      whether sentinel credentials are stored
 * @param clientCertificate whether a TLS client certificate is stored
 */
public record CredentialsInfo(RedisCredentials.Kind kind, String username, Instant setAt, String keyId,
                              boolean sentinelAuth, boolean clientCertificate) {
}
