package dev.redisconnector.server.config;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.execution.ConnectionProvider;
import dev.redisconnector.core.execution.HostPolicy;
import dev.redisconnector.registry.RegistryConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The server's settings, read from environment variables and an optional config file ({@code RC_CONFIG_FILE},
 * properties format with the same names, e.g. {@code RC_PORT=8080}); the environment wins. Every setting and its
 * default is in the README's configuration table. Immutable; {@code toString()} masks secrets.
 */
public final class ServerConfig {

    /** Every setting this server reads, with its default ({@code ""} means unset). */
    public static final Map<String, String> DEFAULTS = defaults();

    private final Map<String, String> values;

    private ServerConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
        validate();
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new TreeMap<>();
        d.put("RC_HOST", "127.0.0.1");
        d.put("RC_PORT", "8080");
        d.put("RC_DATA_DIR", "data");
        d.put("RC_REGISTRY_URL", "");
        d.put("RC_REGISTRY_USER", "");
        d.put("RC_REGISTRY_PASSWORD", "");
        d.put("RC_REGISTRY_POOL_SIZE", "10");
        d.put("RC_CACHE_FRESH_MS", "5000");
        d.put("RC_CACHE_MAX_STALE_MS", "600000");
        d.put("RC_MASTER_KEY", "");
        d.put("RC_MASTER_KEY_FILE", "");
        d.put("RC_MASTER_KEY_ID", "");
        d.put("RC_ADMIN_TOKEN", "");
        d.put("RC_COMMAND_TIMEOUT_MS", "5000");
        d.put("RC_CONNECT_TIMEOUT_MS", "5000");
        d.put("RC_CONNECTION_IDLE_MS", "300000");
        d.put("RC_MAX_BODY_BYTES", "1048576");
        d.put("RC_MAX_REPLY_BYTES", "16777216");
        d.put("RC_MAX_ARGUMENTS", "100000");
        d.put("RC_MAX_ARGUMENT_BYTES", "536870912");
        d.put("RC_SHUTDOWN_GRACE_MS", "10000");
        d.put("RC_SESSION_TTL_SECONDS", "3600");
        d.put("RC_RATE_LIMIT_PER_CLIENT", "0");
        d.put("RC_RATE_LIMIT_BURST", "0");
        d.put("RC_DEDICATED_POOL_SIZE", "8");
        d.put("RC_UPSTASH_PATH", "/upstash");
        d.put("RC_ALLOW_LOOPBACK", "false");
        d.put("RC_AUTH_FAILURES_PER_MINUTE", "30");
        d.put("RC_ALLOW_PRIVATE_NETWORKS", "true");
        d.put("RC_DENIED_NETWORKS", "");
        d.put("RC_METRICS_ENABLED", "true");
        d.put("RC_METRICS_PER_CLIENT", "false");
        d.put("RC_AUDIT_ENABLED", "true");
        d.put("RC_AUDIT_RETENTION_DAYS", "30");
        d.put("RC_LOG_FORMAT", "text");
        d.put("RC_ACCESS_LOG", "false");
        d.put("RC_MAX_STREAMS_PER_CLIENT", "10");
        d.put("RC_DEDICATED_WAIT_MS", "1000");
        d.put("RC_MAX_BLOCK_MS", "30000");
        d.put("RC_EVENT_LOOPS", Integer.toString(Runtime.getRuntime().availableProcessors()));
        d.put("RC_CONNECTIONS", "shared");
        d.put("RC_JWT_HS256_SECRET", "");
        d.put("RC_JWT_JWKS_URL", "");
        d.put("RC_JWT_JWKS_FILE", "");
        d.put("RC_JWT_ISSUER", "");
        d.put("RC_JWT_AUDIENCE", "");
        d.put("RC_JWT_CLIENT_ID_CLAIM", "clientId");
        d.put("RC_JWT_USER_ID_CLAIM", "sub");
        return Collections.unmodifiableMap(d);
    }

    /** Reads the process environment (and {@code RC_CONFIG_FILE} when set). */
    public static ServerConfig fromEnvironment() {
        return load(System.getenv(), null);
    }

    /**
     * Builds a config from a config file (may be {@code null}) overlaid with {@code environment}.
     *
     * @throws IllegalArgumentException naming the setting when a value is invalid or unknown
     */
    public static ServerConfig load(Map<String, String> environment, Path configFile) {
        Map<String, String> merged = new HashMap<>(DEFAULTS);
        Path file = configFile;
        if (file == null && environment.get("RC_CONFIG_FILE") != null && !environment.get("RC_CONFIG_FILE").isBlank()) {
            file = Path.of(environment.get("RC_CONFIG_FILE"));
        }
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the config file " + file, e);
            }
            for (String name : properties.stringPropertyNames()) {
                if (!DEFAULTS.containsKey(name)) {
                    throw new IllegalArgumentException("unknown setting " + name + " in " + file);
                }
                merged.put(name, properties.getProperty(name).strip());
            }
        }
        environment.forEach((name, value) -> {
            if (DEFAULTS.containsKey(name)) {
                merged.put(name, value.strip());
            }
        });
        return new ServerConfig(merged);
    }

    /** The same config with some settings replaced (CLI options, tests). */
    public ServerConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(values);
        overrides.forEach((name, value) -> {
            if (!DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("unknown setting " + name);
            }
            merged.put(name, value);
        });
        return new ServerConfig(merged);
    }

    private void validate() {
        port();
        positive("RC_COMMAND_TIMEOUT_MS");
        positive("RC_CONNECT_TIMEOUT_MS");
        positive("RC_CONNECTION_IDLE_MS");
        positive("RC_MAX_BODY_BYTES");
        positive("RC_MAX_REPLY_BYTES");
        positive("RC_MAX_ARGUMENTS");
        positive("RC_MAX_ARGUMENT_BYTES");
        positive("RC_REGISTRY_POOL_SIZE");
        positive("RC_CACHE_FRESH_MS");
        positive("RC_CACHE_MAX_STALE_MS");
        positive("RC_SESSION_TTL_SECONDS");
        longValue("RC_SHUTDOWN_GRACE_MS");
        positive("RC_EVENT_LOOPS");
        positive("RC_DEDICATED_POOL_SIZE");
        positive("RC_MAX_STREAMS_PER_CLIENT");
        positive("RC_AUDIT_RETENTION_DAYS");
        bool("RC_METRICS_ENABLED");
        bool("RC_METRICS_PER_CLIENT");
        bool("RC_AUDIT_ENABLED");
        bool("RC_ACCESS_LOG");
        hostPolicy();
        if (longValue("RC_AUTH_FAILURES_PER_MINUTE") < 0) {
            throw new IllegalArgumentException("RC_AUTH_FAILURES_PER_MINUTE must not be negative");
        }
        if (!get("RC_LOG_FORMAT").equals("text") && !get("RC_LOG_FORMAT").equals("json")) {
            throw new IllegalArgumentException("RC_LOG_FORMAT must be text or json");
        }
        String upstash = get("RC_UPSTASH_PATH");
        if (!upstash.isEmpty() && (!upstash.startsWith("/") || upstash.equals("/") || upstash.startsWith("/v1/")
                || upstash.startsWith("/health") || upstash.contains("?") || upstash.contains(" "))) {
            throw new IllegalArgumentException("RC_UPSTASH_PATH must be a path like /upstash (not /, /v1/..."
                    + " or /health...), or empty to turn the Upstash protocol off");
        }
        positive("RC_MAX_BLOCK_MS");
        if (longValue("RC_DEDICATED_WAIT_MS") < 0) {
            throw new IllegalArgumentException("RC_DEDICATED_WAIT_MS must not be negative");
        }
        if (longValue("RC_RATE_LIMIT_PER_CLIENT") < 0 || longValue("RC_RATE_LIMIT_BURST") < 0) {
            throw new IllegalArgumentException("RC_RATE_LIMIT_PER_CLIENT and RC_RATE_LIMIT_BURST must not be negative");
        }
        connectionProvider();
        String admin = get("RC_ADMIN_TOKEN");
        if (!admin.isEmpty() && admin.length() < 16) {
            throw new IllegalArgumentException("RC_ADMIN_TOKEN must be at least 16 characters");
        }
    }

    /** A raw setting ({@code ""} when unset). */
    public String get(String name) {
        if (!DEFAULTS.containsKey(name)) {
            throw new IllegalArgumentException("unknown setting " + name);
        }
        return values.getOrDefault(name, "");
    }

    public String host() {
        return get("RC_HOST");
    }

    public int port() {
        long port = longValue("RC_PORT");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("RC_PORT must be between 0 and 65535");
        }
        return (int) port;
    }

    public Path dataDir() {
        return Path.of(get("RC_DATA_DIR"));
    }

    /** The admin token, or {@code null} when the admin API is off. */
    public String adminToken() {
        String token = get("RC_ADMIN_TOKEN");
        return token.isEmpty() ? null : token;
    }

    /** The base path of the Upstash REST protocol, or {@code null} when it is off. */
    public String upstashPath() {
        String path = get("RC_UPSTASH_PATH");
        return path.isEmpty() ? null : path;
    }

    /**
     * Where Redis connections may go: loopback only with {@code RC_ALLOW_LOOPBACK=true}, private networks unless
     * {@code RC_ALLOW_PRIVATE_NETWORKS=false}, never {@code RC_DENIED_NETWORKS} (comma-separated CIDRs), never the
     * connector's own port, never link-local or cloud metadata addresses.
     */
    public HostPolicy hostPolicy() {
        List<String> denied = new ArrayList<>();
        for (String cidr : get("RC_DENIED_NETWORKS").split(",")) {
            if (!cidr.isBlank()) {
                denied.add(cidr.strip());
            }
        }
        try {
            HostPolicy policy = HostPolicy.of(
                    bool("RC_ALLOW_LOOPBACK"), bool("RC_ALLOW_PRIVATE_NETWORKS"), denied);
            return port() > 0 ? policy.withOwnPort(port()) : policy;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RC_DENIED_NETWORKS: " + e.getMessage());
        }
    }

    /** Failed authentications each remote address may make per minute before 429s; {@code 0}: no limit. */
    public int authFailuresPerMinute() {
        return (int) Math.min(1_000_000, longValue("RC_AUTH_FAILURES_PER_MINUTE"));
    }

    public boolean metricsEnabled() {
        return bool("RC_METRICS_ENABLED");
    }

    public boolean metricsPerClient() {
        return bool("RC_METRICS_PER_CLIENT");
    }

    /** How long audit rows are kept, or {@code null} when the audit trail is off. */
    public Duration auditRetention() {
        return bool("RC_AUDIT_ENABLED") ? Duration.ofDays(longValue("RC_AUDIT_RETENTION_DAYS")) : null;
    }

    /** Whether each HTTP request is logged (method, endpoint, status, duration, request id). */
    public boolean accessLog() {
        return bool("RC_ACCESS_LOG");
    }

    /** Concurrent pub/sub streams each client may hold. */
    public int maxStreamsPerClient() {
        return (int) Math.min(100_000, longValue("RC_MAX_STREAMS_PER_CLIENT"));
    }

    public int maxBodyBytes() {
        return (int) Math.min(Integer.MAX_VALUE, longValue("RC_MAX_BODY_BYTES"));
    }

    /** HTTP event loops (one HTTP server instance each). */
    public int eventLoops() {
        return (int) Math.min(256, longValue("RC_EVENT_LOOPS"));
    }

    public Duration shutdownGrace() {
        return Duration.ofMillis(longValue("RC_SHUTDOWN_GRACE_MS"));
    }

    public Duration defaultSessionTtl() {
        return Duration.ofSeconds(longValue("RC_SESSION_TTL_SECONDS"));
    }

    /** The registry: {@code RC_REGISTRY_URL}, or the embedded H2 file in the data directory. */
    public RegistryConfig registry() {
        String url = get("RC_REGISTRY_URL");
        RegistryConfig base = url.isEmpty() ? RegistryConfig.embedded(dataDir().toAbsolutePath())
                : RegistryConfig.of(url, get("RC_REGISTRY_USER"), get("RC_REGISTRY_PASSWORD"));
        return new RegistryConfig(base.jdbcUrl(), base.user(), base.password(), (int) longValue("RC_REGISTRY_POOL_SIZE"),
                Duration.ofMillis(longValue("RC_CACHE_FRESH_MS")), Duration.ofMillis(longValue("RC_CACHE_MAX_STALE_MS")));
    }

    /** Connector-wide options from the timeouts and limits. */
    public ConnectorOptions connectorOptions() {
        return ConnectorOptions.builder()
                .commandTimeout(Duration.ofMillis(longValue("RC_COMMAND_TIMEOUT_MS")))
                .connectTimeout(Duration.ofMillis(longValue("RC_CONNECT_TIMEOUT_MS")))
                .connectionIdleTimeout(Duration.ofMillis(longValue("RC_CONNECTION_IDLE_MS")))
                .maxReplyBytes(longValue("RC_MAX_REPLY_BYTES"))
                .maxArguments((int) Math.min(Integer.MAX_VALUE, longValue("RC_MAX_ARGUMENTS")))
                .maxArgumentBytes(longValue("RC_MAX_ARGUMENT_BYTES"))
                .rateLimit(longValue("RC_RATE_LIMIT_PER_CLIENT"), (int) longValue("RC_RATE_LIMIT_BURST"))
                .dedicatedPoolSize((int) Math.min(10_000, longValue("RC_DEDICATED_POOL_SIZE")))
                .dedicatedWait(Duration.ofMillis(longValue("RC_DEDICATED_WAIT_MS")))
                .maxBlockTime(Duration.ofMillis(longValue("RC_MAX_BLOCK_MS")))
                .hostPolicy(hostPolicy())
                .build();
    }

    /**
     * The connection provider named by {@code RC_CONNECTIONS}: {@code null} for {@code shared} (the executor's own
     * multiplexed connections), else a {@link ConnectionProvider.Factory} of that name found on the class path.
     */
    public ConnectionProvider connectionProvider() {
        String name = get("RC_CONNECTIONS");
        if (name.equals("shared")) {
            return null;
        }
        List<String> known = new ArrayList<>(List.of("shared"));
        for (ConnectionProvider.Factory factory : ServiceLoader.load(ConnectionProvider.Factory.class)) {
            if (factory.name().equals(name)) {
                return factory.create(connectorOptions());
            }
            known.add(factory.name());
        }
        throw new IllegalArgumentException("RC_CONNECTIONS must name a connection provider on the class path ("
                + String.join(", ", known) + "), not '" + name + "'");
    }

    /** Whether JWT validation is configured. */
    public boolean jwtEnabled() {
        return !get("RC_JWT_HS256_SECRET").isEmpty() || !get("RC_JWT_JWKS_URL").isEmpty()
                || !get("RC_JWT_JWKS_FILE").isEmpty();
    }

    private boolean bool(String name) {
        String raw = get(name);
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new IllegalArgumentException(name + " must be true or false, not '" + raw + "'");
        }
        return Boolean.parseBoolean(raw);
    }

    private void positive(String name) {
        if (longValue(name) <= 0) {
            throw new IllegalArgumentException(name + " must be a positive number");
        }
    }

    /** A numeric setting; fails naming the setting when it is not a number. */
    public long longValue(String name) {
        String raw = get(name);
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + raw + "'");
        }
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((name, value) -> {
            boolean secret = name.contains("PASSWORD") || name.contains("SECRET") || name.contains("TOKEN")
                    || name.equals("RC_MASTER_KEY");
            shown.put(name, secret && !value.isEmpty() ? "******" : value);
        });
        return "ServerConfig" + shown;
    }
}
