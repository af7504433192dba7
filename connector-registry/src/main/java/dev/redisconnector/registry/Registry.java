package dev.redisconnector.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.redisconnector.registry.crypto.Keyring;
import dev.redisconnector.registry.crypto.SecretCipher;
import dev.redisconnector.registry.internal.ChangeFeed;
import dev.redisconnector.registry.internal.ChangeLog;
import dev.redisconnector.registry.internal.Jdbc;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The registry database: Redis services, their encrypted credentials and sessions, on H2 or PostgreSQL.
 *
 * <pre>{@code
 * try (Registry registry = Registry.open(RegistryConfig.embedded(dataDir), keyring)) {
 *     registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
 *     registry.credentials().setNone("acme");
 * }
 * }</pre>
 *
 * <p>{@link #open} migrates the schema with Flyway. The three stores implement the connector's
 * {@code ServiceRegistry}, {@code CredentialStore} and {@code SessionValidator}. Thread-safe.
 */
public final class Registry implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final ExecutorService executor;
    private final JdbcServiceRegistry services;
    private final JdbcCredentialStore credentials;
    private final JdbcSessionStore sessions;
    private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();
    /** On PostgreSQL: the changes other instances make, applied here at once; {@code null} on H2. */
    private final ChangeFeed feed;

    private Registry(HikariDataSource dataSource, Keyring keyring, RegistryConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("registry-", 0).factory());
        boolean postgres = isPostgres(config.jdbcUrl());
        ChangeLog changes = new ChangeLog(postgres);
        Consumer<String> notify = clientId -> changeListeners.forEach(listener -> listener.accept(clientId));
        this.credentials = new JdbcCredentialStore(dataSource, new SecretCipher(keyring), executor, config, changes,
                notify);
        this.services = new JdbcServiceRegistry(dataSource, executor, config, changes, clientId -> {
            credentials.invalidate(clientId);
            notify.accept(clientId);
        });
        this.sessions = new JdbcSessionStore(dataSource, executor, config, changes, clock);
        this.feed = postgres ? new ChangeFeed(config.jdbcUrl(), config.user(), config.password(),
                change -> apply(change, notify)) : null;
        if (feed != null) {
            changes.deliveredBy(feed::connected);
        }
    }

    /** A change made anywhere (this instance's own come back too: dropping an entry twice is harmless). */
    private void apply(ChangeLog.Change change, Consumer<String> notify) {
        switch (change.kind()) {
            case SERVICE -> {
                services.invalidate(change.subject());
                credentials.invalidate(change.subject());
                notify.accept(change.subject());
            }
            case CREDENTIALS -> {
                credentials.invalidate(change.subject());
                notify.accept(change.subject());
            }
            case SESSION -> sessions.invalidateHash(change.subject());
        }
    }

    private static boolean isPostgres(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * Whether this instance hears of other instances' changes at once: {@code true} while the PostgreSQL listener
     * is connected, {@code false} while it reconnects, and {@code null} on H2 (one instance; nothing to hear).
     */
    public Boolean changeListenerConnected() {
        return feed == null ? null : feed.connected();
    }

    /** Registry changes applied from the change feed since start (0 on H2). */
    public long changesApplied() {
        return feed == null ? 0 : feed.applied();
    }

    /** Times the change listener reconnected since start (0 on H2). */
    public long changeListenerReconnects() {
        return feed == null ? 0 : feed.reconnects();
    }

    /** Opens the registry and brings its schema up to date. */
    public static Registry open(RegistryConfig config, Keyring keyring) {
        return open(config, keyring, Clock.systemUTC());
    }

    /** Opens the registry with a clock (tests move time forward to expire sessions). */
    public static Registry open(RegistryConfig config, Keyring keyring, Clock clock) {
        Objects.requireNonNull(keyring, "keyring");
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setPoolName("registry");
        hikari.setConnectionTimeout(3000);
        hikari.setValidationTimeout(1000);
        hikari.setInitializationFailTimeout(-1);
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/registry")
                    .table("registry_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            if (config.jdbcUrl().startsWith("jdbc:h2:") && lockedByAnotherProcess(e)) {
                throw new RegistryException("the embedded registry at " + safeUrl(config.jdbcUrl()) + " is in use by"
                        + " another process (an H2 file serves one instance; stop the other one, give this one its own"
                        + " RC_DATA_DIR, or run every instance on one PostgreSQL registry with RC_REGISTRY_URL)", e);
            }
            throw new RegistryException("the registry database at " + safeUrl(config.jdbcUrl())
                    + " could not be opened or migrated: " + e.getClass().getSimpleName(), e);
        }
        return new Registry(dataSource, keyring, config, clock);
    }

    /** Services of all clients. */
    public JdbcServiceRegistry services() {
        return services;
    }

    /** Encrypted credentials. */
    public JdbcCredentialStore credentials() {
        return credentials;
    }

    /** Session tokens. */
    public JdbcSessionStore sessions() {
        return sessions;
    }

    /** The pooled data source (for health checks and tests). */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Registers a listener called with the client id whenever a service or its credentials change. */
    public void onChange(Consumer<String> listener) {
        changeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether the database answers a trivial query within a second. */
    public boolean isReachable() {
        try {
            return Jdbc.query(dataSource, connection -> {
                try (PreparedStatement statement = connection.prepareStatement("SELECT 1")) {
                    statement.setQueryTimeout(1);
                    return statement.executeQuery().next();
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether opening failed because another process holds the H2 file's lock. */
    private static boolean lockedByAnotherProcess(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("already in use") || message.contains("Locked by another process")
                    || cause instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
                return true;
            }
        }
        return false;
    }

    /** A JDBC URL with any password parameter masked, for messages. */
    public static String safeUrl(String jdbcUrl) {
        return jdbcUrl == null ? null : jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1******");
    }

    private AuditTrail audit;

    /**
     * The audit trail in this registry's database, started on first use with {@code retention} (rows older are
     * deleted hourly), recording every command; later calls return the same trail.
     */
    public AuditTrail audit(Duration retention) {
        return audit(retention, AuditTrail.Level.ALL);
    }

    /** {@link #audit(Duration)} at {@code level} ({@link AuditTrail.Level#OFF} is not a trail: use none). */
    public AuditTrail audit(Duration retention, AuditTrail.Level level) {
        return audit(retention, level, null);
    }

    /** {@link #audit(Duration, AuditTrail.Level)} with each chunk marked with the instance that wrote it. */
    public synchronized AuditTrail audit(Duration retention, AuditTrail.Level level, String instanceId) {
        if (audit == null) {
            audit = new AuditTrail(dataSource, retention, 100_000, level, instanceId);
        }
        return audit;
    }

    /**
     * Audit rows matching {@code query}, newest first. Events this process queued in the last moment are written
     * first (waiting up to a second), so a query sees the requests just made.
     */
    public List<AuditTrail.Entry> queryAudit(AuditTrail.Query query) {
        AuditTrail running;
        synchronized (this) {
            running = audit;
        }
        if (running != null) {
            running.flush(Duration.ofSeconds(1));
        }
        return AuditTrail.query(dataSource, query);
    }

    /** The counted read-only commands matching {@code query} (per minute and group), newest first. */
    public List<AuditTrail.Count> queryAuditCounts(AuditTrail.Query query) {
        AuditTrail running;
        synchronized (this) {
            running = audit;
        }
        if (running != null) {
            running.flush(Duration.ofSeconds(1));
        }
        return AuditTrail.counts(dataSource, query);
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
        synchronized (this) {
            if (audit != null) {
                audit.close();
            }
        }
        executor.shutdownNow();
        dataSource.close();
    }
}
