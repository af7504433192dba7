package dev.redisconnector.registry;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.spi.CredentialStore;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.crypto.SecretCipher;
import dev.redisconnector.registry.crypto.SecretDecryptionException;
import dev.redisconnector.registry.internal.CachedLookup;
import dev.redisconnector.registry.internal.Jdbc;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final CachedLookup<String, StoredCredentials> cache;
    private final Consumer<String> onChange;
    private final SecureRandom random = new SecureRandom();

    JdbcCredentialStore(DataSource dataSource, SecretCipher cipher, Executor executor, RegistryConfig config,
                        Consumer<String> onChange) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.onChange = onChange;
        this.cache = new CachedLookup<>(this::read, executor, config.cacheFresh(), config.cacheMaxStale(), 100_000);
    }

    @Override
    public CompletionStage<Optional<RedisCredentials>> findCredentials(RedisService service) {
        CompletableFuture<Optional<StoredCredentials>> stored = cache.get(service.clientId());
        if (stored.isDone() && !stored.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(decrypt(service.clientId(), stored.join()));
        }
        return stored.thenApply(found -> decrypt(service.clientId(), found));
    }

    /** Stores a password (with an optional ACL username) for the client's service. */
    public CredentialsInfo setPassword(String clientId, String username, String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("password must not be empty; use kind none for a service without one");
        }
        if (password.length() > 1024) {
            throw new IllegalArgumentException("password must be at most 1024 characters");
        }
        if (username != null && (username.isBlank() || username.length() > 255 || username.contains(" "))) {
            throw new IllegalArgumentException("username must be 1-255 characters without spaces");
        }
        String ciphertext = cipher.encrypt(password, clientId, PASSWORD_FIELD);
        return write(clientId, RedisCredentials.Kind.PASSWORD, username, ciphertext);
    }

    /** Records that the client's service needs no password. */
    public CredentialsInfo setNone(String clientId) {
        return write(clientId, RedisCredentials.Kind.NONE, null, null);
    }

    /** Deletes the client's credentials; {@code false} when there were none. */
    public boolean delete(String clientId) {
        ClientIds.check(clientId);
        boolean deleted = Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM redis_credentials WHERE client_id = ?")) {
                statement.setString(1, clientId);
                return statement.executeUpdate() > 0;
            }
        });
        changed(clientId);
        return deleted;
    }

    /** What may be shown about the client's credentials, or empty when none are stored. */
    public Optional<CredentialsInfo> info(String clientId) {
        return read(ClientIds.check(clientId)).map(StoredCredentials::info);
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
                    "SELECT client_id FROM redis_credentials WHERE password_ciphertext IS NOT NULL"
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
                try (PreparedStatement select = connection.prepareStatement("SELECT password_ciphertext FROM"
                        + " redis_credentials WHERE client_id = ? FOR UPDATE")) {
                    select.setString(1, clientId);
                    try (ResultSet rows = select.executeQuery()) {
                        if (!rows.next() || rows.getString(1) == null) {
                            return false;
                        }
                        String plain = cipher.decrypt(rows.getString(1), clientId, PASSWORD_FIELD);
                        String again = cipher.encrypt(plain, clientId, PASSWORD_FIELD);
                        try (PreparedStatement update = connection.prepareStatement("UPDATE redis_credentials SET"
                                + " password_ciphertext = ?, key_id = ? WHERE client_id = ?")) {
                            update.setString(1, again);
                            update.setString(2, SecretCipher.keyIdOf(again));
                            update.setString(3, clientId);
                            return update.executeUpdate() > 0;
                        }
                    }
                }
            });
            if (rewritten) {
                count++;
                cache.invalidate(clientId);
            }
        }
        return count;
    }

    /** Forgets cached entries of a client. */
    public void invalidate(String clientId) {
        cache.invalidate(clientId);
    }

    private CredentialsInfo write(String clientId, RedisCredentials.Kind kind, String username, String ciphertext) {
        ClientIds.check(clientId);
        long version = random.nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        Jdbc.inTransaction(dataSource, connection -> {
            if (!serviceExists(connection, clientId)) {
                throw new IllegalArgumentException("No Redis service exists for client '" + clientId
                        + "'; register the service before its credentials.");
            }
            int updated;
            try (PreparedStatement update = connection.prepareStatement("UPDATE redis_credentials SET kind = ?,"
                    + " username = ?, password_ciphertext = ?, key_id = ?, version = ?, set_at = ?"
                    + " WHERE client_id = ?")) {
                bind(update, kind, username, ciphertext, version, now);
                update.setString(7, clientId);
                updated = update.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO redis_credentials (kind,"
                        + " username, password_ciphertext, key_id, version, set_at, client_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    bind(insert, kind, username, ciphertext, version, now);
                    insert.setString(7, clientId);
                    insert.executeUpdate();
                }
            }
            return null;
        });
        changed(clientId);
        return new CredentialsInfo(kind, username, now, SecretCipher.keyIdOf(ciphertext));
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

    private static void bind(PreparedStatement statement, RedisCredentials.Kind kind, String username,
                             String ciphertext, long version, Instant now) throws SQLException {
        statement.setString(1, kind.name().toLowerCase(java.util.Locale.ROOT));
        if (username == null) {
            statement.setNull(2, Types.VARCHAR);
        } else {
            statement.setString(2, username);
        }
        if (ciphertext == null) {
            statement.setNull(3, Types.VARCHAR);
            statement.setNull(4, Types.VARCHAR);
        } else {
            statement.setString(3, ciphertext);
            statement.setString(4, SecretCipher.keyIdOf(ciphertext));
        }
        statement.setLong(5, version);
        statement.setObject(6, Jdbc.toDb(now));
    }

    private void changed(String clientId) {
        cache.invalidate(clientId);
        onChange.accept(clientId);
    }

    private Optional<StoredCredentials> read(String clientId) {
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT kind, username,"
                    + " password_ciphertext, key_id, version, set_at FROM redis_credentials WHERE client_id = ?")) {
                statement.setString(1, clientId);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    RedisCredentials.Kind kind = RedisCredentials.Kind.valueOf(
                            rows.getString("kind").toUpperCase(java.util.Locale.ROOT));
                    return Optional.of(new StoredCredentials(kind, rows.getString("username"),
                            rows.getString("password_ciphertext"), rows.getString("key_id"), rows.getLong("version"),
                            Jdbc.fromDb(rows.getObject("set_at", java.time.OffsetDateTime.class))));
                }
            }
        });
    }

    private Optional<RedisCredentials> decrypt(String clientId, Optional<StoredCredentials> stored) {
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        StoredCredentials found = stored.get();
        if (found.kind() == RedisCredentials.Kind.NONE) {
            return Optional.of(RedisCredentials.none(found.version()));
        }
        try {
            String password = cipher.decrypt(found.ciphertext(), clientId, PASSWORD_FIELD);
            return Optional.of(RedisCredentials.password(found.username(), password, found.version()));
        } catch (SecretDecryptionException e) {
            throw new ConnectorException(ErrorCode.NO_CREDENTIALS, "The stored credentials of client '" + clientId
                    + "' cannot be decrypted: " + e.getMessage() + ". Set them again.");
        }
    }

    /** A credentials row as stored: the password still encrypted. */
    private record StoredCredentials(RedisCredentials.Kind kind, String username, String ciphertext, String keyId,
                                     long version, Instant setAt) {
        CredentialsInfo info() {
            return new CredentialsInfo(kind, username, setAt, keyId);
        }

        @Override
        public String toString() {
            return "StoredCredentials[kind=" + kind + ", keyId=" + keyId + "]";
        }
    }
}
