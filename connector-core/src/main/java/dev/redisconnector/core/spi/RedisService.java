package dev.redisconnector.core.spi;

import dev.redisconnector.core.policy.ServicePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A client's registered Redis service: where it is and how to talk to it. Immutable.
 *
 * @param clientId       the client (tenant) that owns it
 * @param serviceId      stable id of this registration; a deleted and re-created service gets a new one
 * @param version        changes whenever the registration changes; connections are keyed by it
 * @param host           host name or address (standalone), or the first of {@code nodes}
 * @param port           TCP port, likewise
 * @param database       database index (standalone and sentinel; always 0 in a cluster)
 * @param tls            TLS settings; never {@code null}
 * @param connectTimeout connect timeout, or {@code null} for the connector default
 * @param commandTimeout command timeout, or {@code null} for the connector default
 * @param mode           standalone, sentinel or cluster
 * @param masterName     the monitored master's name (sentinel), else {@code null}
 * @param nodes          the sentinels (sentinel) or seed nodes (cluster); empty for standalone
 * @param policy         the command policy; {@code null} means {@link ServicePolicy#DEFAULT}
 */
public record RedisService(String clientId, String serviceId, long version, String host, int port, int database,
                           TlsSettings tls, Duration connectTimeout, Duration commandTimeout, Mode mode,
                           String masterName, List<Address> nodes, ServicePolicy policy) {

    /** How the service runs. */
    public enum Mode { STANDALONE, SENTINEL, CLUSTER }

    public RedisService {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(mode, "mode");
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        policy = policy == null ? ServicePolicy.DEFAULT : policy;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must not be negative");
        }
        if (mode == Mode.SENTINEL && (masterName == null || nodes.isEmpty())) {
            throw new IllegalArgumentException("a sentinel service needs a master name and at least one sentinel");
        }
        if (mode == Mode.CLUSTER && nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster service needs at least one seed node");
        }
    }

    /** A standalone service. */
    public RedisService(String clientId, String serviceId, long version, String host, int port, int database,
                        TlsSettings tls, Duration connectTimeout, Duration commandTimeout) {
        this(clientId, serviceId, version, host, port, database, tls, connectTimeout, commandTimeout,
                Mode.STANDALONE, null, List.of(), ServicePolicy.DEFAULT);
    }

    /** A service in any mode with the default policy. */
    public RedisService(String clientId, String serviceId, long version, String host, int port, int database,
                        TlsSettings tls, Duration connectTimeout, Duration commandTimeout, Mode mode,
                        String masterName, List<Address> nodes) {
        this(clientId, serviceId, version, host, port, database, tls, connectTimeout, commandTimeout, mode,
                masterName, nodes, ServicePolicy.DEFAULT);
    }

    /** A host and port. */
    public record Address(String host, int port) {
        public Address {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535");
            }
        }

        @Override
        public String toString() {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * TLS settings of a service.
     *
     * @param enabled           connect with TLS
     * @param verifyHostname    check that the certificate names the host (on by default)
     * @param caCertificatePem  PEM certificates to trust instead of the JVM's default trust store, or {@code null}
     */
    public record TlsSettings(boolean enabled, boolean verifyHostname, String caCertificatePem) {
        /** Plain TCP. */
        public static final TlsSettings DISABLED = new TlsSettings(false, true, null);

        public TlsSettings(boolean enabled, boolean verifyHostname) {
            this(enabled, verifyHostname, null);
        }
    }
}
