package dev.redisconnector.registry;

import dev.redisconnector.core.spi.RedisService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an operator registers for a client: where its Redis is and how to reach it. Immutable.
 *
 * @param host           host name or IP address
 * @param port           TCP port, 1-65535
 * @param database       database index, 0-15 on a default Redis
 * @param tls            TLS settings
 * @param connectTimeout connect timeout or {@code null} for the default
 * @param commandTimeout command timeout or {@code null} for the default
 */
public record ServiceDefinition(String host, int port, int database, RedisService.TlsSettings tls,
                                Duration connectTimeout, Duration commandTimeout) {

    /** The longest timeout a service may set: 10 minutes. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    public ServiceDefinition {
        tls = tls == null ? RedisService.TlsSettings.DISABLED : tls;
        List<String> problems = problems(host, port, database, connectTimeout, commandTimeout);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        host = host.strip();
    }

    /** A plain standalone service with default timeouts. */
    public static ServiceDefinition of(String host, int port) {
        return new ServiceDefinition(host, port, 0, RedisService.TlsSettings.DISABLED, null, null);
    }

    /** The same definition with another database index. */
    public ServiceDefinition withDatabase(int value) {
        return new ServiceDefinition(host, port, value, tls, connectTimeout, commandTimeout);
    }

    /** The same definition with other timeouts. */
    public ServiceDefinition withTimeouts(Duration connect, Duration command) {
        return new ServiceDefinition(host, port, database, tls, connect, command);
    }

    /** Whether moving from this definition to {@code other} points the service at another server. */
    public boolean sameAddress(ServiceDefinition other) {
        return host.equalsIgnoreCase(other.host) && port == other.port && tls.enabled() == other.tls.enabled();
    }

    private static List<String> problems(String host, int port, int database, Duration connectTimeout,
                                         Duration commandTimeout) {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("host is required");
        } else if (host.strip().length() > 253 || !host.strip().matches("[A-Za-z0-9._:\\-\\[\\]%]+")) {
            problems.add("host must be a host name or an IP address");
        }
        if (port < 1 || port > 65535) {
            problems.add("port must be between 1 and 65535");
        }
        if (database < 0 || database > 10_000) {
            problems.add("database must be between 0 and 10000");
        }
        checkTimeout("connectTimeoutMs", connectTimeout, problems);
        checkTimeout("commandTimeoutMs", commandTimeout, problems);
        return problems;
    }

    private static void checkTimeout(String name, Duration value, List<String> problems) {
        if (value != null && (value.isNegative() || value.isZero() || value.compareTo(MAX_TIMEOUT) > 0)) {
            problems.add(name + " must be between 1 and " + MAX_TIMEOUT.toMillis());
        }
    }
}
