package dev.redisconnector.registry;

import dev.redisconnector.core.policy.ServicePolicy;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.core.spi.RedisService.Address;
import dev.redisconnector.core.spi.RedisService.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an operator registers for a client: where its Redis is and how to reach it. Immutable.
 *
 * @param mode           standalone, sentinel or cluster
 * @param host           standalone: host name or IP address; sentinel and cluster: the first node
 * @param port           TCP port, likewise
 * @param database       database index (standalone and sentinel; must be 0 for a cluster)
 * @param tls            TLS settings (with an optional CA certificate in PEM)
 * @param connectTimeout connect timeout or {@code null} for the default
 * @param commandTimeout command timeout or {@code null} for the default
 * @param masterName     sentinel: the monitored master's name
 * @param nodes          sentinel: the sentinels; cluster: seed nodes; standalone: empty
 * @param policy         the command policy ({@code null}: read-write with {@code @admin} and {@code @dangerous}
 *                       denied)
 */
public record ServiceDefinition(Mode mode, String host, int port, int database, RedisService.TlsSettings tls,
                                Duration connectTimeout, Duration commandTimeout, String masterName,
                                List<Address> nodes, ServicePolicy policy) {

    /** The longest timeout a service may set: 10 minutes. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** Largest CA certificate bundle: 60,000 characters. */
    public static final int MAX_PEM_LENGTH = 60_000;

    public ServiceDefinition {
        mode = mode == null ? Mode.STANDALONE : mode;
        tls = tls == null ? RedisService.TlsSettings.DISABLED : tls;
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        policy = policy == null ? ServicePolicy.DEFAULT : policy;
        if (policy.keyPrefixes().stream().anyMatch(p -> p.contains("\n"))) {
            throw new IllegalArgumentException("key prefixes cannot contain line breaks");
        }
        if (mode != Mode.STANDALONE && !nodes.isEmpty() && (host == null || host.isBlank())) {
            host = nodes.getFirst().host();
            port = nodes.getFirst().port();
        }
        List<String> problems = problems(mode, host, port, database, tls, connectTimeout, commandTimeout, masterName,
                nodes);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        host = host.strip();
    }

    /** A standalone service (the mode most services use). */
    public ServiceDefinition(String host, int port, int database, RedisService.TlsSettings tls,
                             Duration connectTimeout, Duration commandTimeout) {
        this(Mode.STANDALONE, host, port, database, tls, connectTimeout, commandTimeout, null, List.of(), null);
    }

    /** A service in any mode with the default policy. */
    public ServiceDefinition(Mode mode, String host, int port, int database, RedisService.TlsSettings tls,
                             Duration connectTimeout, Duration commandTimeout, String masterName, List<Address> nodes) {
        this(mode, host, port, database, tls, connectTimeout, commandTimeout, masterName, nodes, null);
    }

    /** The same definition with another policy. */
    public ServiceDefinition withPolicy(ServicePolicy value) {
        return new ServiceDefinition(mode, host, port, database, tls, connectTimeout, commandTimeout, masterName, nodes,
                value);
    }

    /** A plain standalone service with default timeouts. */
    public static ServiceDefinition of(String host, int port) {
        return new ServiceDefinition(host, port, 0, RedisService.TlsSettings.DISABLED, null, null);
    }

    /** A service monitored by sentinels. */
    public static ServiceDefinition sentinel(String masterName, List<Address> sentinels) {
        return new ServiceDefinition(Mode.SENTINEL, null, 0, 0, null, null, null, masterName, sentinels);
    }

    /** A Redis Cluster reached through seed nodes. */
    public static ServiceDefinition cluster(List<Address> seeds) {
        return new ServiceDefinition(Mode.CLUSTER, null, 0, 0, null, null, null, null, seeds);
    }

    /** The same definition with another database index. */
    public ServiceDefinition withDatabase(int value) {
        return new ServiceDefinition(mode, host, port, value, tls, connectTimeout, commandTimeout, masterName, nodes,
                policy);
    }

    /** The same definition with other timeouts. */
    public ServiceDefinition withTimeouts(Duration connect, Duration command) {
        return new ServiceDefinition(mode, host, port, database, tls, connect, command, masterName, nodes, policy);
    }

    /** The same definition with other TLS settings. */
    public ServiceDefinition withTls(RedisService.TlsSettings value) {
        return new ServiceDefinition(mode, host, port, database, value, connectTimeout, commandTimeout, masterName,
                nodes, policy);
    }

    /**
     * Whether moving from this definition to {@code other} points the service at other servers (mode, addresses or
     * TLS): then the stored credentials are dropped, so a password never reaches a server it was not set for.
     */
    public boolean sameAddress(ServiceDefinition other) {
        return mode == other.mode && host.equalsIgnoreCase(other.host) && port == other.port
                && tls.enabled() == other.tls.enabled() && nodes.equals(other.nodes);
    }

    /** Parses {@code host:port} (IPv6 as {@code [addr]:port}); a missing port means {@code defaultPort}. */
    public static Address parseAddress(String text, int defaultPort) {
        String value = text == null ? "" : text.strip();
        String host = value;
        int port = defaultPort;
        int colon = value.lastIndexOf(':');
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("'" + value + "' is not host:port");
            }
            host = value.substring(1, end);
            if (end + 1 < value.length()) {
                port = parsePort(value.substring(end + 2), value);
            }
        } else if (colon > 0 && value.indexOf(':') == colon) {
            host = value.substring(0, colon);
            port = parsePort(value.substring(colon + 1), value);
        }
        return new Address(host, port);
    }

    private static int parsePort(String text, String whole) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("'" + whole + "' does not end in a port between 1 and 65535");
    }

    /** The mode named in text ({@code standalone}, {@code sentinel}, {@code cluster}). */
    public static Mode mode(String text) {
        try {
            return Mode.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("mode must be standalone, sentinel or cluster");
        }
    }

    private static List<String> problems(Mode mode, String host, int port, int database, RedisService.TlsSettings tls,
                                         Duration connectTimeout, Duration commandTimeout, String masterName,
                                         List<Address> nodes) {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add(mode == Mode.STANDALONE ? "host is required" : "at least one node is required");
        } else if (!validHost(host.strip())) {
            problems.add("host must be a host name or an IP address");
        }
        if (port < 1 || port > 65535) {
            problems.add("port must be between 1 and 65535");
        }
        if (database < 0 || database > 10_000) {
            problems.add("database must be between 0 and 10000");
        }
        if (mode == Mode.CLUSTER && database != 0) {
            problems.add("a cluster has only database 0");
        }
        if (mode == Mode.SENTINEL && (masterName == null || masterName.isBlank()
                || !masterName.matches("[A-Za-z0-9._-]{1,255}"))) {
            problems.add("masterName is required for sentinel mode (letters, digits, . _ -)");
        }
        if (mode != Mode.STANDALONE && nodes.isEmpty()) {
            problems.add("nodes are required for " + mode.name().toLowerCase(Locale.ROOT) + " mode");
        }
        if (mode == Mode.STANDALONE && !nodes.isEmpty()) {
            problems.add("nodes are only for sentinel and cluster modes");
        }
        if (nodes.size() > 50) {
            problems.add("at most 50 nodes");
        }
        for (Address node : nodes) {
            if (!validHost(node.host())) {
                problems.add("node " + node + " is not a host name or an IP address");
            }
        }
        if (tls.caCertificatePem() != null && (tls.caCertificatePem().length() > MAX_PEM_LENGTH
                || !tls.caCertificatePem().contains("-----BEGIN CERTIFICATE-----"))) {
            problems.add("tls.caCertificatePem must be PEM certificates (BEGIN CERTIFICATE), at most "
                    + MAX_PEM_LENGTH + " characters");
        }
        checkTimeout("connectTimeoutMs", connectTimeout, problems);
        checkTimeout("commandTimeoutMs", commandTimeout, problems);
        return problems;
    }

    private static boolean validHost(String host) {
        return host.length() <= 253 && host.matches("[A-Za-z0-9._:\\-\\[\\]%]+");
    }

    private static void checkTimeout(String name, Duration value, List<String> problems) {
        if (value != null && (value.isNegative() || value.isZero() || value.compareTo(MAX_TIMEOUT) > 0)) {
            problems.add(name + " must be between 1 and " + MAX_TIMEOUT.toMillis());
        }
    }
}
