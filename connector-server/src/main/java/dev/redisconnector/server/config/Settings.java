package dev.redisconnector.server.config;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.registry.AuditTrail;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting the server and its CLI read: name, type, default and meaning, in one table. Defaults that the library
 * also has come from {@link ConnectorOptions}'s {@code DEFAULT_*} constants, so they live in one place. The README's
 * configuration table lists the same settings with the same defaults (a test checks it).
 */
public final class Settings {

    private Settings() {
    }

    public static final Setting<String> HOST = new Setting<>("RC_HOST", Setting.TEXT,
            "127.0.0.1", "listen address (0.0.0.0 for all interfaces)");

    public static final Setting<Long> PORT = new Setting<>("RC_PORT", Setting.PORT,
            "8080", "listen port (0 picks a free one)");

    public static final Setting<String> DATA_DIR = new Setting<>("RC_DATA_DIR", Setting.TEXT,
            "data", "embedded registry and generated master key live here");

    public static final Setting<String> REGISTRY_URL = new Setting<>("RC_REGISTRY_URL", Setting.TEXT,
            "", "JDBC URL of the registry; empty: embedded H2 in the data dir");

    public static final Setting<String> REGISTRY_USER = new Setting<>("RC_REGISTRY_USER", Setting.TEXT,
            "", "registry database user");

    public static final Setting<String> REGISTRY_PASSWORD = new Setting<>("RC_REGISTRY_PASSWORD", Setting.TEXT,
            "", "registry database password");

    public static final Setting<Long> REGISTRY_POOL_SIZE = new Setting<>("RC_REGISTRY_POOL_SIZE", Setting.POSITIVE,
            "10", "JDBC connections");

    public static final Setting<Long> CACHE_FRESH_MS = new Setting<>("RC_CACHE_FRESH_MS", Setting.POSITIVE,
            "5000", "how long a cached session, service or credential is used before it is re-read while changes made"
            + " elsewhere may not reach this instance (the PostgreSQL change listener is reconnecting)");

    public static final Setting<Long> CACHE_REREAD_MS = new Setting<>("RC_CACHE_REREAD_MS", Setting.POSITIVE,
            "60000", "how long a cached entry is used before it is re-read while every change reaches this instance"
            + " (PostgreSQL listener connected; always with H2): a safety net, at least RC_CACHE_FRESH_MS");

    public static final Setting<Long> CACHE_MAX_STALE_MS = new Setting<>("RC_CACHE_MAX_STALE_MS", Setting.POSITIVE,
            "600000", "how long cached entries keep serving while the registry is down");

    public static final Setting<String> MASTER_KEY = new Setting<>("RC_MASTER_KEY", Setting.TEXT,
            "", "base64 256-bit key for encrypting credentials");

    public static final Setting<String> MASTER_KEY_FILE = new Setting<>("RC_MASTER_KEY_FILE", Setting.TEXT,
            "", "file of id=base64key lines (several keys for rotation)");

    public static final Setting<String> MASTER_KEY_ID = new Setting<>("RC_MASTER_KEY_ID", Setting.TEXT,
            "", "which key encrypts new values; empty: the last key in the file");

    public static final Setting<String> ADMIN_TOKEN = new Setting<>("RC_ADMIN_TOKEN", Setting.ADMIN_TOKEN,
            "", "admin credential, at least 16 characters; empty: admin API off");

    public static final Setting<Long> COMMAND_TIMEOUT_MS = new Setting<>("RC_COMMAND_TIMEOUT_MS", Setting.POSITIVE,
            millis(ConnectorOptions.DEFAULT_COMMAND_TIMEOUT), "command timeout when a service sets none");

    public static final Setting<Long> CONNECT_TIMEOUT_MS = new Setting<>("RC_CONNECT_TIMEOUT_MS", Setting.POSITIVE,
            millis(ConnectorOptions.DEFAULT_CONNECT_TIMEOUT), "connect timeout when a service sets none");

    public static final Setting<Long> CONNECTION_IDLE_MS = new Setting<>("RC_CONNECTION_IDLE_MS", Setting.POSITIVE,
            millis(ConnectorOptions.DEFAULT_CONNECTION_IDLE_TIMEOUT),
            "close a client's connection after this long unused");

    public static final Setting<Long> MAX_BODY_BYTES = new Setting<>("RC_MAX_BODY_BYTES", Setting.POSITIVE,
            "1048576", "largest request body");

    public static final Setting<Long> MAX_REPLY_BYTES = new Setting<>("RC_MAX_REPLY_BYTES", Setting.POSITIVE,
            Long.toString(ConnectorOptions.DEFAULT_MAX_REPLY_BYTES), "largest reply; larger is RESULT_TOO_LARGE");

    public static final Setting<Long> MAX_ARGUMENTS = new Setting<>("RC_MAX_ARGUMENTS", Setting.POSITIVE,
            Integer.toString(ConnectorOptions.DEFAULT_MAX_ARGUMENTS), "most arguments in one command");

    public static final Setting<Long> MAX_ARGUMENT_BYTES = new Setting<>("RC_MAX_ARGUMENT_BYTES", Setting.POSITIVE,
            Long.toString(ConnectorOptions.DEFAULT_MAX_ARGUMENT_BYTES), "largest single argument");

    public static final Setting<Long> SESSION_TTL_SECONDS = new Setting<>("RC_SESSION_TTL_SECONDS", Setting.POSITIVE,
            "3600", "default lifetime of new sessions");

    public static final Setting<String> INSTANCE_ID = new Setting<>("RC_INSTANCE_ID", Setting.TEXT, "",
            "this instance's name in audit entries, metrics (an instance label) and logs; default: host name:port");

    public static final Setting<Boolean> WARMUP = new Setting<>("RC_WARMUP", Setting.BOOLEAN, "true",
            "at start, run the request path internally (a few hundred loopback requests), then one full garbage"
            + " collection, before /health/ready says ready");

    public static final Setting<Long> DRAIN_MS = new Setting<>("RC_DRAIN_MS", Setting.NON_NEGATIVE, "0",
            "on SIGTERM: how long /health/ready answers 503 (and responses close their connections) while requests are"
            + " still served, before the server stops accepting; set it to your load balancer's health-check period");

    public static final Setting<Long> SHUTDOWN_GRACE_MS = new Setting<>("RC_SHUTDOWN_GRACE_MS", Setting.NON_NEGATIVE,
            "10000", "on SIGTERM, wait this long for in-flight requests");

    public static final Setting<Long> RATE_LIMIT_PER_CLIENT =
            new Setting<>("RC_RATE_LIMIT_PER_CLIENT", Setting.NON_NEGATIVE,
            "0", "commands per second each client may run; 0: off");

    public static final Setting<Long> RATE_LIMIT_BURST = new Setting<>("RC_RATE_LIMIT_BURST", Setting.NON_NEGATIVE,
            "0", "commands a client may run at once above its rate; 0: twice the rate");

    public static final Setting<Long> DEDICATED_POOL_SIZE = new Setting<>("RC_DEDICATED_POOL_SIZE", Setting.POSITIVE,
            Integer.toString(ConnectorOptions.DEFAULT_DEDICATED_POOL_SIZE),
            "dedicated connections per service, for blocking commands and transactions");

    public static final Setting<Long> DEDICATED_WAIT_MS = new Setting<>("RC_DEDICATED_WAIT_MS", Setting.NON_NEGATIVE,
            millis(ConnectorOptions.DEFAULT_DEDICATED_WAIT),
            "how long a request waits for a free dedicated connection before POOL_EXHAUSTED");

    public static final Setting<Long> MAX_BLOCK_MS = new Setting<>("RC_MAX_BLOCK_MS", Setting.POSITIVE,
            millis(ConnectorOptions.DEFAULT_MAX_BLOCK_TIME), "longest block time of a blocking command");

    public static final Setting<Long> EVENT_LOOPS = new Setting<>("RC_EVENT_LOOPS", Setting.POSITIVE,
            Integer.toString(Runtime.getRuntime().availableProcessors()),
            "event loops serving HTTP and Redis; default: the number of cores");

    public static final Setting<String> TRANSPORT = new Setting<>("RC_TRANSPORT", Setting.TRANSPORT,
            "auto", "how the event loops talk to the kernel: auto (io_uring where the kernel offers it, else epoll),"
            + " io_uring (warns when it falls back) or epoll");

    public static final Setting<Long> CONNECTIONS_PER_SERVICE = new Setting<>("RC_REDIS_CONNECTIONS_PER_SERVICE",
            Setting.NON_NEGATIVE, "0", "shared Redis connections per Redis identity on this instance; 0: one per event"
            + " loop (fewer: less load on Redis maxclients with many instances, requests hop between threads)");

    public static final Setting<String> CONNECTIONS = new Setting<>("RC_CONNECTIONS", Setting.TEXT,
            "shared",
            "which connection a command runs on: shared, or the name of a connection provider on the class path");

    public static final Setting<String> JWT_HS256_SECRET = new Setting<>("RC_JWT_HS256_SECRET", Setting.TEXT,
            "", "accept HS256 JWTs signed with this secret");

    public static final Setting<String> JWT_JWKS_URL = new Setting<>("RC_JWT_JWKS_URL", Setting.TEXT,
            "", "accept RS256/ES256 JWTs with keys from this JWKS URL");

    public static final Setting<String> JWT_JWKS_FILE = new Setting<>("RC_JWT_JWKS_FILE", Setting.TEXT,
            "", "accept RS256/ES256 JWTs with keys from this JWKS file");

    public static final Setting<String> JWT_ISSUER = new Setting<>("RC_JWT_ISSUER", Setting.TEXT,
            "", "required iss; empty: not checked");

    public static final Setting<String> JWT_AUDIENCE = new Setting<>("RC_JWT_AUDIENCE", Setting.TEXT,
            "", "required aud; empty: not checked");

    public static final Setting<String> JWT_CLIENT_ID_CLAIM = new Setting<>("RC_JWT_CLIENT_ID_CLAIM", Setting.TEXT,
            "clientId", "claim holding the client id");

    public static final Setting<String> JWT_USER_ID_CLAIM = new Setting<>("RC_JWT_USER_ID_CLAIM", Setting.TEXT,
            "sub", "claim holding the user id");

    public static final Setting<Long> AUTH_FAILURES_PER_MINUTE =
            new Setting<>("RC_AUTH_FAILURES_PER_MINUTE", Setting.NON_NEGATIVE,
            "30", "failed authentications one remote address may make per minute; 0: off");

    public static final Setting<Boolean> ALLOW_LOOPBACK = new Setting<>("RC_ALLOW_LOOPBACK", Setting.BOOLEAN,
            "false", "let services point at 127.0.0.0/8 or ::1");

    public static final Setting<Boolean> ALLOW_PRIVATE_NETWORKS =
            new Setting<>("RC_ALLOW_PRIVATE_NETWORKS", Setting.BOOLEAN,
            "true", "let services point at private networks");

    public static final Setting<String> DENIED_NETWORKS = new Setting<>("RC_DENIED_NETWORKS", Setting.TEXT,
            "", "more networks no service may reach, comma-separated CIDRs");

    public static final Setting<String> UPSTASH_PATH = new Setting<>("RC_UPSTASH_PATH", Setting.UPSTASH_PATH,
            "/upstash", "base path of the Upstash REST protocol; empty: off");

    public static final Setting<Long> MAX_STREAMS_PER_CLIENT =
            new Setting<>("RC_MAX_STREAMS_PER_CLIENT", Setting.POSITIVE,
            "10", "pub/sub streams a client may hold at once");

    public static final Setting<Boolean> METRICS_ENABLED = new Setting<>("RC_METRICS_ENABLED", Setting.BOOLEAN,
            "true", "serve Prometheus metrics at /metrics");

    public static final Setting<Boolean> DOCS_ENABLED = new Setting<>("RC_DOCS_ENABLED", Setting.BOOLEAN,
            "true", "serve the API's browsable documentation (Swagger UI over /openapi.json) at /docs");

    public static final Setting<Boolean> CONSOLE_ENABLED = new Setting<>("RC_CONSOLE_ENABLED", Setting.BOOLEAN,
            "true", "serve the web console at /console");

    public static final Setting<Boolean> METRICS_PER_CLIENT = new Setting<>("RC_METRICS_PER_CLIENT", Setting.BOOLEAN,
            "false", "add a client label to command counters");

    public static final Setting<AuditTrail.Level> AUDIT_LEVEL = new Setting<>("RC_AUDIT_LEVEL", AuditTrail.Level::parse,
            "writes", "what the audit trail records: writes (every command that is not read-only, each refusal;"
            + " read-only commands counted per minute), all (every command) or off");

    public static final Setting<Long> AUDIT_RETENTION_DAYS = new Setting<>("RC_AUDIT_RETENTION_DAYS", Setting.POSITIVE,
            "30", "audit rows older than this are deleted");

    public static final Setting<String> LOG_FORMAT = new Setting<>("RC_LOG_FORMAT", Setting.LOG_FORMAT,
            "text", "text, or json: one JSON object per line");

    public static final Setting<Boolean> ACCESS_LOG = new Setting<>("RC_ACCESS_LOG", Setting.BOOLEAN,
            "false", "log every HTTP request");

    public static final Setting<Boolean> EXECUTE_FAST_PATH = new Setting<>("RC_EXECUTE_FAST_PATH", Setting.BOOLEAN,
            "true", "answer POST /v1/redis/execute, /pipeline and /transaction from the connection's HTTP decoder"
            + " (same answers; false: through the general HTTP server)");

    public static final Setting<String> SERVER = new Setting<>("RC_SERVER", Setting.TEXT,
            "", "CLI: the server whose admin API the CLI uses (like --server)");

    public static final Setting<String> TOKEN = new Setting<>("RC_TOKEN", Setting.TEXT,
            "", "CLI: the session token redis-connector exec sends");

    /** Every setting, in the README's order. */
    public static final List<Setting<?>> ALL = List.of(
            HOST, PORT, DATA_DIR, REGISTRY_URL, REGISTRY_USER, REGISTRY_PASSWORD, REGISTRY_POOL_SIZE,
            CACHE_FRESH_MS, CACHE_REREAD_MS, CACHE_MAX_STALE_MS, MASTER_KEY, MASTER_KEY_FILE, MASTER_KEY_ID, ADMIN_TOKEN,
            COMMAND_TIMEOUT_MS, CONNECT_TIMEOUT_MS, CONNECTION_IDLE_MS, MAX_BODY_BYTES, MAX_REPLY_BYTES,
            MAX_ARGUMENTS, MAX_ARGUMENT_BYTES, SESSION_TTL_SECONDS, INSTANCE_ID, WARMUP, DRAIN_MS, SHUTDOWN_GRACE_MS,
            RATE_LIMIT_PER_CLIENT, RATE_LIMIT_BURST, DEDICATED_POOL_SIZE, DEDICATED_WAIT_MS, MAX_BLOCK_MS,
            EVENT_LOOPS, TRANSPORT, CONNECTIONS_PER_SERVICE, CONNECTIONS, JWT_HS256_SECRET, JWT_JWKS_URL, JWT_JWKS_FILE,
            JWT_ISSUER, JWT_AUDIENCE, JWT_CLIENT_ID_CLAIM, JWT_USER_ID_CLAIM, AUTH_FAILURES_PER_MINUTE, ALLOW_LOOPBACK,
            ALLOW_PRIVATE_NETWORKS, DENIED_NETWORKS, UPSTASH_PATH, MAX_STREAMS_PER_CLIENT, METRICS_ENABLED,
            METRICS_PER_CLIENT, DOCS_ENABLED, CONSOLE_ENABLED, AUDIT_LEVEL, AUDIT_RETENTION_DAYS, LOG_FORMAT, ACCESS_LOG, EXECUTE_FAST_PATH,
            SERVER, TOKEN);

    private static final Map<String, Setting<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Setting::name, Function.identity()));

    /** The setting called {@code name}, or {@code null}. */
    public static Setting<?> byName(String name) {
        return BY_NAME.get(name);
    }

    private static String millis(Duration duration) {
        return Long.toString(duration.toMillis());
    }
}
