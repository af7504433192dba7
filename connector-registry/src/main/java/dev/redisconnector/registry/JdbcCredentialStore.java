package dev.redisconnector.registry;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.spi.CredentialStore;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.core.spi.Secret;
import dev.redisconnector.registry.crypto.SecretCipher;
import dev.redisconnector.registry.crypto.SecretDecryptionException;
import dev.redisconnector.registry.internal.CachedLookup;
import dev.redisconnector.registry.internal.ChangeLog;
import dev.redisconnector.registry.internal.Jdbc;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Credentials of the registered services, encrypted at rest with {@link SecretCipher}. Thread-safe.
 *
 * <p>Passwords are write-only: they can be set and deleted, and only {@link CredentialsInfo} is ever read back by an
 * operator. The pipeline gets them decrypted through {@link #findCredentials}.
 */
public final class JdbcCredentialStore implements CredentialStore {

    private static final String PASSWORD_FIELD = "password";
    private static final String SENTINEL_FIELD = "sentinelPassword";
    private static final String CLIENT_KEY_FIELD = "clientKey";
    private static final String COLUMNS = "kind, username, password_ciphertext, key_id, version, set_at,"
            + " sentinel_username, sentinel_password_ciphertext, client_cert_pem, client_key_ciphertext";

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final CachedLookup<String, Stored> cache;
    private final Consumer<String> onChange;
    private final SecureRandom random = new SecureRandom();

    private final ChangeLog changes;

    JdbcCredentialStore(DataSource dataSource, SecretCipher cipher, Executor executor, RegistryConfig config,
                        ChangeLog changes, Consumer<String> onChange) {
        this.dataSource = dataSource;
        this.changes = changes;
        this.cipher = cipher;
        this.onChange = onChange;
        this.cache = new CachedLookup<>(this::read, executor, config, changes, 100_000);
    }

    @Override
    public CompletionStage<Optional<RedisCredentials>> findCredentials(RedisService service) {
        CompletableFuture<Optional<Stored>> stored = cache.get(service.clientId());
        if (stored.isDone() && !stored.isCompletedExceptionally()) {
            try {
                return decrypted(service.clientId(), stored.join());
            } catch (ConnectorException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return stored.thenApply(found -> decrypt(service.clientId(), found));
    }

    /** A cached row's credentials, decrypted once per row read (not per request) and handed out as one object. */
    private record Decrypted(Stored from, CompletableFuture<Optional<RedisCredentials>> credentials) {
    }

    private final Map<String, Decrypted> decrypted = new ConcurrentHashMap<>();

    private CompletableFuture<Optional<RedisCredentials>> decrypted(String clientId, Optional<Stored> stored) {
        if (stored.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Decrypted known = decrypted.get(clientId);
        if (known != null && known.from() == stored.get()) {
            return known.credentials();
        }
        CompletableFuture<Optional<RedisCredentials>> fresh =
                CompletableFuture.completedFuture(decrypt(clientId, stored));
        decrypted.put(clientId, new Decrypted(stored.get(), fresh));
        return fresh;
    }

    /** Stores a password (with an optional ACL username) for the client's service. */
    public CredentialsInfo setPassword(String clientId, String username, String password) {
        return set(clientId, CredentialsInput.password(username, password));
    }

    /** Records that the client's service needs no password. */
    public CredentialsInfo setNone(String clientId) {
        return set(clientId, CredentialsInput.none());
    }

    /** Stores credentials, encrypting every secret in them. */
    public CredentialsInfo set(String clientId, CredentialsInput input) {
        ClientIds.check(clientId);
        Stored stored = new Stored(input.kind(), input.username(),
                input.password() == null ? null : cipher.encrypt(input.password(), clientId, PASSWORD_FIELD),
                input.sentinelUsername(),
                input.sentinelPassword() == null ? null
                        : cipher.encrypt(input.sentinelPassword(), clientId, SENTINEL_FIELD),
                input.clientCertificatePem(),
                input.clientKeyPem() == null ? null : cipher.encrypt(input.clientKeyPem(), clientId, CLIENT_KEY_FIELD),
                cipher.keyring().writeKeyId(), random.nextLong(1, Long.MAX_VALUE), Instant.now());
        return write(clientId, stored);
    }

    /** Deletes the client's credentials; {@code false} when there were none. */
    public boolean delete(String clientId) {
        ClientIds.check(clientId);
        boolean deleted = Jdbc.inTransaction(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM redis_credentials WHERE client_id = ?")) {
                statement.setString(1, clientId);
                boolean gone = statement.executeUpdate() > 0;
                changes.record(connection, ChangeLog.Kind.CREDENTIALS, clientId);
                return gone;
            }
        });
        changed(clientId);
        return deleted;
    }

    /** What may be shown about the client's credentials, or empty when none are stored. */
    public Optional<CredentialsInfo> info(String clientId) {
        return read(ClientIds.check(clientId)).map(Stored::info);
    }

    /**
     * Re-encrypts every stored password with the current write key (after adding a new master key).
     *
     * @return how many passwords were rewritten
     */
    public int reencryptAll() {
        List<String> clients = Jdbc.query(dataSource, connection -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT client_id FROM redis_credentials WHERE (password_ciphertext IS NOT NULL"
                            + " OR sentinel_password_ciphertext IS NOT NULL OR client_key_ciphertext IS NOT NULL)"
                            + " AND (key_id IS NULL OR key_id <> ?)")) {
                statement.setString(1, cipher.keyring().writeKeyId());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
            }
            return ids;
        });
        int count = 0;
        for (String clientId : clients) {
            boolean rewritten = Jdbc.inTransaction(dataSource, connection -> {
                Stored old;
                try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                        + " FROM redis_credentials WHERE client_id = ? FOR UPDATE")) {
                    select.setString(1, clientId);
                    try (ResultSet rows = select.executeQuery()) {
                        if (!rows.next()) {
                            return false;
                        }
                        old = map(rows);
                    }
                }
                Stored again = new Stored(old.kind(), old.username(),
                        reencrypt(old.passwordCiphertext(), clientId, PASSWORD_FIELD), old.sentinelUsername(),
                        reencrypt(old.sentinelCiphertext(), clientId, SENTINEL_FIELD), old.clientCertificatePem(),
                        reencrypt(old.clientKeyCiphertext(), clientId, CLIENT_KEY_FIELD),
                        cipher.keyring().writeKeyId(), old.version(), old.setAt());
                try (PreparedStatement update = connection.prepareStatement("UPDATE redis_credentials SET"
                        + " password_ciphertext = ?, sentinel_password_ciphertext = ?, client_key_ciphertext = ?,"
                        + " key_id = ? WHERE client_id = ?")) {
                    setOrNull(update, 1, again.passwordCiphertext());
                    setOrNull(update, 2, again.sentinelCiphertext());
                    setOrNull(update, 3, again.clientKeyCiphertext());
                    update.setString(4, again.keyId());
                    update.setString(5, clientId);
                    boolean done = update.executeUpdate() > 0;
                    changes.record(connection, ChangeLog.Kind.CREDENTIALS, clientId);
                    return done;
                }
            });
            if (rewritten) {
                count++;
                invalidate(clientId);
            }
        }
        return count;
    }

    private String reencrypt(String ciphertext, String clientId, String field) {
        return ciphertext == null ? null : cipher.encrypt(cipher.decrypt(ciphertext, clientId, field), clientId, field);
    }

    /** Forgets cached entries of a client. */
    public void invalidate(String clientId) {
        cache.invalidate(clientId);
        decrypted.remove(clientId);
    }

    private CredentialsInfo write(String clientId, Stored stored) {
        Jdbc.inTransaction(dataSource, connection -> {
            if (!serviceExists(connection, clientId)) {
                throw new IllegalArgumentException("No Redis service exists for client '" + clientId
                        + "'; register the service before its credentials.");
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM redis_credentials WHERE client_id = ?")) {
                delete.setString(1, clientId);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO redis_credentials (" + COLUMNS
                    + ", client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, stored);
                insert.setString(11, clientId);
                insert.executeUpdate();
            }
            changes.record(connection, ChangeLog.Kind.CREDENTIALS, clientId);
            return null;
        });
        changed(clientId);
        return stored.info();
    }

    private static boolean serviceExists(Connection connection, String clientId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM redis_service WHERE client_id = ? FOR UPDATE")) {
            statement.setString(1, clientId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void bind(PreparedStatement statement, Stored stored) throws SQLException {
        statement.setString(1, stored.kind().name().toLowerCase(Locale.ROOT));
        setOrNull(statement, 2, stored.username());
        setOrNull(statement, 3, stored.passwordCiphertext());
        setOrNull(statement, 4, stored.hasSecrets() ? stored.keyId() : null);
        statement.setLong(5, stored.version());
        statement.setObject(6, Jdbc.toDb(stored.setAt()));
        setOrNull(statement, 7, stored.sentinelUsername());
        setOrNull(statement, 8, stored.sentinelCiphertext());
        setOrNull(statement, 9, stored.clientCertificatePem());
        setOrNull(statement, 10, stored.clientKeyCiphertext());
    }

    private static void setOrNull(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private void changed(String clientId) {
        cache.invalidate(clientId);
        decrypted.remove(clientId);
        onChange.accept(clientId);
    }

    private Optional<Stored> read(String clientId) {
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM redis_credentials WHERE client_id = ?")) {
                statement.setString(1, clientId);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(map(rows)) : Optional.empty();
                }
            }
        });
    }

    private static Stored map(ResultSet rows) throws SQLException {
        return new Stored(RedisCredentials.Kind.valueOf(rows.getString("kind").toUpperCase(Locale.ROOT)),
                rows.getString("username"), rows.getString("password_ciphertext"),
                rows.getString("sentinel_username"), rows.getString("sentinel_password_ciphertext"),
                rows.getString("client_cert_pem"), rows.getString("client_key_ciphertext"), rows.getString("key_id"),
                rows.getLong("version"), Jdbc.fromDb(rows.getObject("set_at", OffsetDateTime.class)));
    }

    private Optional<RedisCredentials> decrypt(String clientId, Optional<Stored> stored) {
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Stored found = stored.get();
        try {
            RedisCredentials base = found.kind() == RedisCredentials.Kind.NONE ? RedisCredentials.none(found.version())
                    : RedisCredentials.password(found.username(),
                            cipher.decrypt(found.passwordCiphertext(), clientId, PASSWORD_FIELD), found.version());
            RedisCredentials.SentinelAuth sentinel = found.sentinelCiphertext() == null ? null
                    : new RedisCredentials.SentinelAuth(found.sentinelUsername(), Secret.of(
                            cipher.decrypt(found.sentinelCiphertext(), clientId, SENTINEL_FIELD)));
            RedisCredentials.ClientCertificate certificate = found.clientKeyCiphertext() == null ? null
                    : new RedisCredentials.ClientCertificate(found.clientCertificatePem(), Secret.of(
                            cipher.decrypt(found.clientKeyCiphertext(), clientId, CLIENT_KEY_FIELD)));
            return Optional.of(base.with(sentinel, certificate));
        } catch (SecretDecryptionException e) {
            throw new ConnectorException(ErrorCode.NO_CREDENTIALS, "The stored credentials of client '" + clientId
                    + "' cannot be decrypted: " + e.getMessage() + ". Set them again.");
        }
    }

    /** A credentials row as stored: secrets still encrypted. */
    private record Stored(RedisCredentials.Kind kind, String username, String passwordCiphertext,
                          String sentinelUsername, String sentinelCiphertext, String clientCertificatePem,
                          String clientKeyCiphertext, String keyId, long version, Instant setAt) {

        boolean hasSecrets() {
            return passwordCiphertext != null || sentinelCiphertext != null || clientKeyCiphertext != null;
        }

        CredentialsInfo info() {
            return new CredentialsInfo(kind, username, setAt, hasSecrets() ? keyId : null,
                    sentinelCiphertext != null, clientKeyCiphertext != null);
        }

        @Override
        public String toString() {
            return "Stored[kind=" + kind + ", keyId=" + keyId + "]";
        }
    }

    /** Cache and database-load counts of this store's lookups (for metrics). */
    public CachedLookup.Stats cacheStats() {
        return cache.stats();
    }
}
