package dev.redisconnector.server.config;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.execution.ConnectionProvider;
import dev.redisconnector.core.execution.HostPolicy;
import dev.redisconnector.registry.AuditTrail;
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
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The server's settings, read from environment variables and an optional config file ({@code RC_CONFIG_FILE},
 * properties format with the same names, e.g. {@code RC_PORT=8080}); the environment wins. Every setting is in
 * {@link Settings}' table (name, type, default, meaning); each is parsed and checked once, here, and a bad value fails
 * at start naming the setting and what it expected. Immutable; {@code toString()} masks secrets.
 */
public final class ServerConfig {

    /** Every setting this server reads, with its default ({@code ""} means unset), from {@link Settings#ALL}. */
    public static final Map<String, String> DEFAULTS = defaults();

    private final Map<String, String> values;
    private final Set<String> explicit;
    private final Map<Setting<?>, Object> parsed = new IdentityHashMap<>();
    private final HostPolicy hostPolicy;
    private final ConnectorOptions connectorOptions;

    private ServerConfig(Map<String, String> values, Set<String> explicit) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
        this.explicit = Set.copyOf(explicit);
        for (Setting<?> setting : Settings.ALL) {
            parsed.put(setting, setting.parse(this.values.getOrDefault(setting.name(), setting.defaultValue())));
        }
        this.hostPolicy = hostPolicyOf();
        this.connectorOptions = connectorOptionsOf();
        connectionProvider(false);
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new TreeMap<>();
        for (Setting<?> setting : Settings.ALL) {
            d.put(setting.name(), setting.defaultValue());
        }
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
        Set<String> explicit = new HashSet<>();
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
                explicit.add(name);
            }
            explicit.add("RC_CONFIG_FILE");
        }
        environment.forEach((name, value) -> {
            if (DEFAULTS.containsKey(name)) {
                merged.put(name, value.strip());
                explicit.add(name);
            }
        });
        return new ServerConfig(merged, explicit);
    }

    /** The same config with some settings replaced (CLI options, tests). */
    public ServerConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(values);
        Set<String> set = new HashSet<>(explicit);
        overrides.forEach((name, value) -> {
            if (!DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("unknown setting " + name);
            }
            merged.put(name, value);
            set.add(name);
        });
        return new ServerConfig(merged, set);
    }

    /** A setting's parsed value. */
    public <T> T get(Setting<T> setting) {
        @SuppressWarnings("unchecked")
        T value = (T) parsed.get(setting);
        if (value == null && !parsed.containsKey(setting)) {
            throw new IllegalArgumentException("unknown setting " + setting.name());
        }
        return value;
    }

    /** Whether a setting was given (environment, config file, override), or, for RC_CONFIG_FILE, a file was read. */
    public boolean isSet(String name) {
        return explicit.contains(name);
    }

    /** A raw setting ({@code ""} when unset). */
    public String get(String name) {
        if (!DEFAULTS.containsKey(name)) {
            throw new IllegalArgumentException("unknown setting " + name);
        }
        return values.getOrDefault(name, "");
    }

    public String host() {
        return get(Settings.HOST);
    }

    public int port() {
        return get(Settings.PORT).intValue();
    }

    public Path dataDir() {
        return Path.of(get(Settings.DATA_DIR));
    }

    /** The admin token, or {@code null} when the admin API is off. */
    public String adminToken() {
        String token = get(Settings.ADMIN_TOKEN);
        return token.isEmpty() ? null : token;
    }

    /** The base path of the Upstash REST protocol, or {@code null} when it is off. */
    public String upstashPath() {
        String path = get(Settings.UPSTASH_PATH);
        return path.isEmpty() ? null : path;
    }

    /**
     * Where Redis connections may go: loopback only with {@code RC_ALLOW_LOOPBACK=true}, private networks unless
     * {@code RC_ALLOW_PRIVATE_NETWORKS=false}, never {@code RC_DENIED_NETWORKS} (comma-separated CIDRs), never the
     * connector's own port, never link-local or cloud metadata addresses.
     */
    public HostPolicy hostPolicy() {
        return hostPolicy;
    }

    private HostPolicy hostPolicyOf() {
        List<String> denied = new ArrayList<>();
        for (String cidr : get(Settings.DENIED_NETWORKS).split(",")) {
            if (!cidr.isBlank()) {
                denied.add(cidr.strip());
            }
        }
        try {
            HostPolicy policy = HostPolicy.of(
                    get(Settings.ALLOW_LOOPBACK), get(Settings.ALLOW_PRIVATE_NETWORKS), denied);
            return port() > 0 ? policy.withOwnPort(port()) : policy;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RC_DENIED_NETWORKS must be comma-separated CIDRs: " + e.getMessage(), e);
        }
    }

    /** Failed authentications each remote address may make per minute before 429s; {@code 0}: no limit. */
    public int authFailuresPerMinute() {
        return (int) Math.min(1_000_000, get(Settings.AUTH_FAILURES_PER_MINUTE));
    }

    public boolean metricsEnabled() {
        return get(Settings.METRICS_ENABLED);
    }

    /** Whether {@code /console} serves the web console. */
    public boolean consoleEnabled() {
        return get(Settings.CONSOLE_ENABLED);
    }

    /** Whether {@code /docs} serves the browsable API documentation. */
    public boolean docsEnabled() {
        return get(Settings.DOCS_ENABLED);
    }

    public boolean metricsPerClient() {
        return get(Settings.METRICS_PER_CLIENT);
    }

    /** How long audit rows are kept, or {@code null} when the audit trail is off. */
    public Duration auditRetention() {
        return auditLevel() == AuditTrail.Level.OFF ? null : Duration.ofDays(get(Settings.AUDIT_RETENTION_DAYS));
    }

    /** What the audit trail records ({@code RC_AUDIT_LEVEL}). */
    public AuditTrail.Level auditLevel() {
        return get(Settings.AUDIT_LEVEL);
    }

    /** Whether each HTTP request is logged (method, endpoint, status, duration, request id). */
    public boolean accessLog() {
        return get(Settings.ACCESS_LOG);
    }

    /** Whether the execute paths are answered straight from the HTTP decoder ({@code RC_EXECUTE_FAST_PATH}). */
    public boolean executeFastPath() {
        return get(Settings.EXECUTE_FAST_PATH);
    }

    /** The event loops' transport ({@code RC_TRANSPORT}): {@code auto}, {@code io_uring} or {@code epoll}. */
    public String transport() {
        return get(Settings.TRANSPORT);
    }

    /** Concurrent pub/sub streams each client may hold. */
    public int maxStreamsPerClient() {
        return (int) Math.min(100_000, get(Settings.MAX_STREAMS_PER_CLIENT));
    }

    public int maxBodyBytes() {
        return (int) Math.min(Integer.MAX_VALUE, get(Settings.MAX_BODY_BYTES));
    }

    /** HTTP event loops (one HTTP server instance each). */
    public int eventLoops() {
        return (int) Math.min(256, get(Settings.EVENT_LOOPS));
    }

    /** Shared Redis connections per Redis identity ({@code RC_REDIS_CONNECTIONS_PER_SERVICE}); 0: one per loop. */
    public int connectionsPerService() {
        return (int) Math.min(1024, get(Settings.CONNECTIONS_PER_SERVICE));
    }

    /** This instance's name ({@code RC_INSTANCE_ID}); by default the host name and the configured port. */
    public String instanceId() {
        String configured = get(Settings.INSTANCE_ID);
        return configured.isBlank() ? hostName() + ":" + port() : configured.strip();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "localhost";
        }
    }

    /** Whether the request path is exercised at start before readiness ({@code RC_WARMUP}). */
    public boolean warmup() {
        return get(Settings.WARMUP);
    }

    /** How long a stopping server keeps serving with readiness down ({@code RC_DRAIN_MS}). */
    public Duration drain() {
        return Duration.ofMillis(get(Settings.DRAIN_MS));
    }

    public Duration shutdownGrace() {
        return Duration.ofMillis(get(Settings.SHUTDOWN_GRACE_MS));
    }

    public Duration defaultSessionTtl() {
        return Duration.ofSeconds(get(Settings.SESSION_TTL_SECONDS));
    }

    /** The registry: {@code RC_REGISTRY_URL}, or the embedded H2 file in the data directory. */
    public RegistryConfig registry() {
        String url = get(Settings.REGISTRY_URL);
        RegistryConfig base = url.isEmpty() ? RegistryConfig.embedded(dataDir().toAbsolutePath())
                : RegistryConfig.of(url, get(Settings.REGISTRY_USER), get(Settings.REGISTRY_PASSWORD));
        return new RegistryConfig(base.jdbcUrl(), base.user(), base.password(),
                (int) Math.min(10_000, get(Settings.REGISTRY_POOL_SIZE)), Duration.ofMillis(get(Settings.CACHE_FRESH_MS)),
                Duration.ofMillis(get(Settings.CACHE_REREAD_MS)), Duration.ofMillis(get(Settings.CACHE_MAX_STALE_MS)));
    }

    /** Connector-wide options from the timeouts and limits. */
    public ConnectorOptions connectorOptions() {
        return connectorOptions;
    }

    private ConnectorOptions connectorOptionsOf() {
        return ConnectorOptions.builder()
                .commandTimeout(Duration.ofMillis(get(Settings.COMMAND_TIMEOUT_MS)))
                .connectTimeout(Duration.ofMillis(get(Settings.CONNECT_TIMEOUT_MS)))
                .connectionIdleTimeout(Duration.ofMillis(get(Settings.CONNECTION_IDLE_MS)))
                .maxReplyBytes(get(Settings.MAX_REPLY_BYTES))
                .maxArguments((int) Math.min(Integer.MAX_VALUE, get(Settings.MAX_ARGUMENTS)))
                .maxArgumentBytes(get(Settings.MAX_ARGUMENT_BYTES))
                .rateLimit(get(Settings.RATE_LIMIT_PER_CLIENT),
                        (int) Math.min(Integer.MAX_VALUE, get(Settings.RATE_LIMIT_BURST)))
                .dedicatedPoolSize((int) Math.min(10_000, get(Settings.DEDICATED_POOL_SIZE)))
                .dedicatedWait(Duration.ofMillis(get(Settings.DEDICATED_WAIT_MS)))
                .maxBlockTime(Duration.ofMillis(get(Settings.MAX_BLOCK_MS)))
                .hostPolicy(hostPolicy)
                .build();
    }

    /**
     * The connection provider named by {@code RC_CONNECTIONS}: {@code null} for {@code shared} (the executor's own
     * multiplexed connections), else a {@link ConnectionProvider.Factory} of that name found on the class path.
     */
    public ConnectionProvider connectionProvider() {
        return connectionProvider(true);
    }

    /** With {@code create} false, only checks that the named provider exists. */
    private ConnectionProvider connectionProvider(boolean create) {
        String name = get(Settings.CONNECTIONS);
        if (name.equals("shared")) {
            return null;
        }
        List<String> known = new ArrayList<>(List.of("shared"));
        for (ConnectionProvider.Factory factory : ServiceLoader.load(ConnectionProvider.Factory.class)) {
            if (factory.name().equals(name)) {
                return create ? factory.create(connectorOptions) : null;
            }
            known.add(factory.name());
        }
        throw new IllegalArgumentException("RC_CONNECTIONS must name a connection provider on the class path ("
                + String.join(", ", known) + "), not '" + name + "'");
    }

    /** Whether JWT validation is configured. */
    public boolean jwtEnabled() {
        return !get(Settings.JWT_HS256_SECRET).isEmpty() || !get(Settings.JWT_JWKS_URL).isEmpty()
                || !get(Settings.JWT_JWKS_FILE).isEmpty();
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        for (Setting<?> setting : Settings.ALL) {
            String value = values.getOrDefault(setting.name(), setting.defaultValue());
            shown.put(setting.name(), setting.secret() && !value.isEmpty() ? "******" : value);
        }
        return "ServerConfig" + shown;
    }
}
