package dev.redisconnector.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A client's registered Redis service: where it is and how to talk to it. Immutable.
 *
 * @param clientId       the client (tenant) that owns it
 * @param serviceId      stable id of this registration; a deleted and re-created service gets a new one
 * @param version        changes whenever the registration changes; connections are keyed by it
 * @param host           host name or address
 * @param port           TCP port
 * @param database       database index (standalone)
 * @param tls            TLS settings; never {@code null}
 * @param connectTimeout connect timeout, or {@code null} for the connector default
 * @param commandTimeout command timeout, or {@code null} for the connector default
 */
public record RedisService(String clientId, String serviceId, long version, String host, int port, int database,
                           TlsSettings tls, Duration connectTimeout, Duration commandTimeout) {

    public RedisService {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must not be negative");
        }
    }

    /** TLS settings of a service. */
    public record TlsSettings(boolean enabled, boolean verifyHostname) {
        /** Plain TCP. */
        public static final TlsSettings DISABLED = new TlsSettings(false, true);
    }
}
