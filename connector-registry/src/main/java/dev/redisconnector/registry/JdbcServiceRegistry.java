package dev.redisconnector.registry;

import dev.redisconnector.core.policy.ServicePolicy;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.core.spi.ServiceRegistry;
import dev.redisconnector.registry.internal.CachedLookup;
import dev.redisconnector.registry.internal.ChangeLog;
import dev.redisconnector.registry.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The Redis services of all clients, in the registry database, with a cache in front for the pipeline. Thread-safe.
 *
 * <p>Replacing a service with one at another address (host, port or TLS) deletes its stored credentials, so a
 * password is never sent to a server it was not set for.
 */
public final class JdbcServiceRegistry implements ServiceRegistry {

    private static final String COLUMNS = "client_id, service_id, version, mode, host, port, database_index,"
            + " tls_enabled, tls_verify_hostname, connect_timeout_ms, command_timeout_ms, created_at, updated_at,"
            + " master_name, nodes, tls_ca_pem, policy_mode, policy_allow, policy_deny, key_prefixes,"
            + " policy_scripting";

    private final DataSource dataSource;
    private final CachedLookup<String, ServiceRecord> cache;
    private final Consumer<String> onChange;
    private final ChangeLog changes;

    JdbcServiceRegistry(DataSource dataSource, Executor executor, RegistryConfig config, ChangeLog changes,
                        Consumer<String> onChange) {
        this.dataSource = dataSource;
        this.onChange = onChange;
        this.changes = changes;
        this.cache = new CachedLookup<>(this::read, executor, config, changes, 100_000);
    }

    @Override
    public CompletionStage<Optional<RedisService>> findService(String clientId) {
        return cache.get(clientId).thenApply(found -> found.map(ServiceRecord::service));
    }

    /** Reads a client's service from the database (no cache). */
    public Optional<ServiceRecord> get(String clientId) {
        return read(ClientIds.check(clientId));
    }

    /** Every registered service, ordered by client id. */
    public List<ServiceRecord> list() {
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM redis_service ORDER BY client_id")) {
                List<ServiceRecord> out = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        out.add(map(rows));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Creates or replaces the client's service.
     *
     * @return the stored service, with a new version
     */
    public PutResult put(String clientId, ServiceDefinition definition) {
        ClientIds.check(clientId);
        PutResult result = Jdbc.inTransaction(dataSource, connection -> {
            Optional<ServiceRecord> existing = select(connection, clientId, true);
            Instant now = Instant.now();
            if (existing.isEmpty()) {
                insert(connection, clientId, definition, now);
                changes.record(connection, ChangeLog.Kind.SERVICE, clientId);
                return new PutResult(select(connection, clientId, false).orElseThrow(), true, false);
            }
            boolean moved = !existing.get().definition().sameAddress(definition);
            update(connection, clientId, definition, existing.get().service().version() + 1, now);
            if (moved) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM redis_credentials WHERE client_id = ?")) {
                    delete.setString(1, clientId);
                    moved = delete.executeUpdate() > 0;
                }
            }
            changes.record(connection, ChangeLog.Kind.SERVICE, clientId);
            return new PutResult(select(connection, clientId, false).orElseThrow(), false, moved);
        });
        changed(clientId);
        return result;
    }

    /** Deletes the client's service and its credentials; {@code false} when there was none. */
    public boolean delete(String clientId) {
        ClientIds.check(clientId);
        boolean deleted = Jdbc.inTransaction(dataSource, connection -> {
            try (PreparedStatement credentials = connection.prepareStatement(
                    "DELETE FROM redis_credentials WHERE client_id = ?");
                 PreparedStatement service = connection.prepareStatement(
                         "DELETE FROM redis_service WHERE client_id = ?")) {
                credentials.setString(1, clientId);
                credentials.executeUpdate();
                service.setString(1, clientId);
                boolean gone = service.executeUpdate() > 0;
                changes.record(connection, ChangeLog.Kind.SERVICE, clientId);
                return gone;
            }
        });
        changed(clientId);
        return deleted;
    }

    /** Forgets cached entries of a client (after a change made elsewhere). */
    public void invalidate(String clientId) {
        cache.invalidate(clientId);
    }

    private void changed(String clientId) {
        cache.invalidate(clientId);
        onChange.accept(clientId);
    }

    private Optional<ServiceRecord> read(String clientId) {
        return Jdbc.query(dataSource, connection -> select(connection, clientId, false));
    }

    private static Optional<ServiceRecord> select(Connection connection, String clientId, boolean forUpdate)
            throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM redis_service WHERE client_id = ?" + (forUpdate ? " FOR UPDATE" : "");
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, clientId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    private static void insert(Connection connection, String clientId, ServiceDefinition definition, Instant now)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO redis_service (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, clientId);
            statement.setString(2, UUID.randomUUID().toString());
            statement.setLong(3, 1);
            statement.setString(4, modeName(definition));
            bindDefinition(statement, definition, 5);
            statement.setObject(12, Jdbc.toDb(now));
            statement.setObject(13, Jdbc.toDb(now));
            bindTopology(statement, definition, 14);
            bindPolicy(statement, definition.policy(), 17);
            statement.executeUpdate();
        }
    }

    private static void update(Connection connection, String clientId, ServiceDefinition definition, long version,
                               Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE redis_service SET version = ?,"
                + " mode = ?, host = ?, port = ?, database_index = ?, tls_enabled = ?, tls_verify_hostname = ?,"
                + " connect_timeout_ms = ?, command_timeout_ms = ?, updated_at = ?, master_name = ?, nodes = ?,"
                + " tls_ca_pem = ?, policy_mode = ?, policy_allow = ?, policy_deny = ?, key_prefixes = ?,"
                + " policy_scripting = ? WHERE client_id = ?")) {
            statement.setLong(1, version);
            statement.setString(2, modeName(definition));
            bindDefinition(statement, definition, 3);
            statement.setObject(10, Jdbc.toDb(now));
            bindTopology(statement, definition, 11);
            bindPolicy(statement, definition.policy(), 14);
            statement.setString(19, clientId);
            statement.executeUpdate();
        }
    }

    private static void bindDefinition(PreparedStatement statement, ServiceDefinition definition, int first)
            throws SQLException {
        statement.setString(first, definition.host());
        statement.setInt(first + 1, definition.port());
        statement.setInt(first + 2, definition.database());
        statement.setBoolean(first + 3, definition.tls().enabled());
        statement.setBoolean(first + 4, definition.tls().verifyHostname());
        setMillis(statement, first + 5, definition.connectTimeout());
        setMillis(statement, first + 6, definition.commandTimeout());
    }

    private static String modeName(ServiceDefinition definition) {
        return definition.mode().name().toLowerCase(Locale.ROOT);
    }

    private static void bindTopology(PreparedStatement statement, ServiceDefinition definition, int first)
            throws SQLException {
        statement.setString(first, definition.masterName());
        statement.setString(first + 1, definition.nodes().isEmpty() ? null : String.join(",",
                definition.nodes().stream().map(RedisService.Address::toString).toList()));
        statement.setString(first + 2, definition.tls().caCertificatePem());
    }

    private static void bindPolicy(PreparedStatement statement, ServicePolicy policy, int first) throws SQLException {
        statement.setString(first, policy.mode().wireName());
        statement.setString(first + 1, String.join("\n", policy.allow()));
        statement.setString(first + 2, String.join("\n", policy.deny()));
        statement.setString(first + 3, String.join("\n", policy.keyPrefixes()));
        statement.setBoolean(first + 4, policy.scripting());
    }

    private static ServicePolicy policy(ResultSet rows) throws SQLException {
        String mode = rows.getString("policy_mode");
        if (mode == null) {
            return ServicePolicy.DEFAULT;
        }
        return new ServicePolicy(ServicePolicy.Mode.parse(mode), lines(rows.getString("policy_allow")),
                lines(rows.getString("policy_deny")), List.copyOf(lines(rows.getString("key_prefixes"), true)),
                rows.getBoolean("policy_scripting"));
    }

    private static Set<String> lines(String value) {
        return new TreeSet<>(lines(value, false));
    }

    private static List<String> lines(String value, boolean keepOrder) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String line : value.split("\n")) {
                if (!line.isEmpty()) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    private static void setMillis(PreparedStatement statement, int index, Duration value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, (int) value.toMillis());
        }
    }

    private static ServiceRecord map(ResultSet rows) throws SQLException {
        String nodes = rows.getString("nodes");
        List<RedisService.Address> addresses = new ArrayList<>();
        if (nodes != null && !nodes.isBlank()) {
            for (String node : nodes.split(",")) {
                addresses.add(ServiceDefinition.parseAddress(node, 6379));
            }
        }
        RedisService service = new RedisService(
                rows.getString("client_id"),
                rows.getString("service_id"),
                rows.getLong("version"),
                rows.getString("host"),
                rows.getInt("port"),
                rows.getInt("database_index"),
                new RedisService.TlsSettings(rows.getBoolean("tls_enabled"), rows.getBoolean("tls_verify_hostname"),
                        rows.getString("tls_ca_pem")),
                millis(rows, "connect_timeout_ms"),
                millis(rows, "command_timeout_ms"),
                ServiceDefinition.mode(rows.getString("mode")),
                rows.getString("master_name"),
                addresses,
                policy(rows));
        return new ServiceRecord(service,
                Jdbc.fromDb(rows.getObject("created_at", OffsetDateTime.class)),
                Jdbc.fromDb(rows.getObject("updated_at", OffsetDateTime.class)));
    }

    private static Duration millis(ResultSet rows, String column) throws SQLException {
        int value = rows.getInt(column);
        return rows.wasNull() ? null : Duration.ofMillis(value);
    }

    /**
     * Outcome of {@link #put}.
     *
     * @param record             the stored service
     * @param created            whether the client had no service before
     * @param credentialsDropped whether stored credentials were deleted because the address changed
     */
    public record PutResult(ServiceRecord record, boolean created, boolean credentialsDropped) {
    }

    /** Cache and database-load counts of this store's lookups (for metrics). */
    public CachedLookup.Stats cacheStats() {
        return cache.stats();
    }
}
