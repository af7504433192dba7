package dev.redisconnector.registry;

import dev.redisconnector.core.Session;
import dev.redisconnector.core.spi.SessionValidator;
import dev.redisconnector.registry.internal.CachedLookup;
import dev.redisconnector.registry.internal.ChangeLog;
import dev.redisconnector.registry.internal.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Opaque session tokens: 256 random bits, shown once, stored only as a SHA-256 hash. Thread-safe.
 *
 * <p>Expiry is checked on every validation against the clock, so an expired token stops working at once. A revoked
 * token stops at once on the node that revoked it and within the registry's cache freshness on other nodes.
 */
public final class JdbcSessionStore implements SessionValidator {

    /** Every token starts with this prefix, so a leaked one is easy to recognise and scan for. */
    public static final String TOKEN_PREFIX = "rcs_";
    /** The longest session: 365 days. */
    public static final Duration MAX_TTL = Duration.ofDays(365);

    private static final int TOKEN_BYTES = 32;
    private static final int TOKEN_LENGTH = TOKEN_PREFIX.length() + 43;
    private static final String COLUMNS = "session_id, user_id, client_id, read_only, created_at, expires_at,"
            + " revoked_at";

    private final DataSource dataSource;
    private final CachedLookup<String, Found> cache;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private final ChangeLog changes;

    JdbcSessionStore(DataSource dataSource, Executor executor, RegistryConfig config, ChangeLog changes, Clock clock) {
        this.dataSource = dataSource;
        this.changes = changes;
        this.clock = clock;
        this.cache = new CachedLookup<>(this::readByHash, executor, config, changes, 200_000);
    }

    @Override
    public CompletionStage<Optional<Session>> validate(String sessionToken) {
        if (!looksLikeToken(sessionToken)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<Found>> found = cache.get(hash(sessionToken));
        if (found.isDone() && !found.isCompletedExceptionally()) {
            return live(found.join());
        }
        return found.thenCompose(this::live);
    }

    /**
     * A session row as the cache holds it, with the answer for while it is live made once (the request path
     * allocates nothing for a known token).
     */
    private record Found(SessionInfo info, long expiresAtMillis, CompletableFuture<Optional<Session>> live) {
        Found(SessionInfo info) {
            this(info, info.expiresAt().toEpochMilli(), CompletableFuture.completedFuture(Optional.of(
                    new Session(new Session.User(info.userId(), info.clientId()), info.expiresAt(),
                            info.readOnly()))));
        }
    }

    private static final CompletableFuture<Optional<Session>> NONE = CompletableFuture.completedFuture(Optional.empty());

    private CompletableFuture<Optional<Session>> live(Optional<Found> found) {
        if (found.isEmpty()) {
            return NONE;
        }
        Found row = found.get();
        return row.info().revokedAt() == null && clock.millis() < row.expiresAtMillis() ? row.live() : NONE;
    }

    /**
     * Creates a session.
     *
     * @param ttl how long it works, at most {@link #MAX_TTL}
     */
    public IssuedSession create(String userId, String clientId, Duration ttl, boolean readOnly) {
        ClientIds.check(clientId);
        if (userId == null || userId.isBlank() || userId.length() > 255) {
            throw new IllegalArgumentException("userId must be 1-255 characters");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1 second and " + MAX_TTL.toDays() + " days");
        }
        byte[] secret = new byte[TOKEN_BYTES];
        random.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        SessionInfo info = new SessionInfo(UUID.randomUUID().toString(), userId, clientId, readOnly, now,
                now.plus(ttl), null);
        Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO connector_session"
                    + " (token_hash, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, hash(token));
                statement.setString(2, info.sessionId());
                statement.setString(3, userId);
                statement.setString(4, clientId);
                statement.setBoolean(5, readOnly);
                statement.setObject(6, Jdbc.toDb(info.createdAt()));
                statement.setObject(7, Jdbc.toDb(info.expiresAt()));
                statement.setObject(8, null);
                return statement.executeUpdate();
            }
        });
        return new IssuedSession(token, info);
    }

    /** Sessions of a client ({@code null} for all), newest first; revoked and expired ones included. */
    public List<SessionInfo> list(String clientId, int limit) {
        return Jdbc.query(dataSource, connection -> {
            String sql = "SELECT " + COLUMNS + " FROM connector_session"
                    + (clientId == null ? "" : " WHERE client_id = ?") + " ORDER BY created_at DESC";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setMaxRows(Math.max(1, limit));
                if (clientId != null) {
                    statement.setString(1, clientId);
                }
                List<SessionInfo> out = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        out.add(map(rows));
                    }
                }
                return out;
            }
        });
    }

    /** Revokes a session by id; {@code false} when no live session has that id. */
    public boolean revoke(String sessionId) {
        if (sessionId == null || sessionId.length() > 64) {
            return false;
        }
        String tokenHash = Jdbc.inTransaction(dataSource, connection -> {
            String found = null;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT token_hash FROM connector_session WHERE session_id = ? AND revoked_at IS NULL")) {
                select.setString(1, sessionId);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        found = rows.getString(1);
                    }
                }
            }
            if (found == null) {
                return null;
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE connector_session SET revoked_at = ? WHERE token_hash = ?")) {
                update.setObject(1, Jdbc.toDb(clock.instant()));
                update.setString(2, found);
                update.executeUpdate();
            }
            changes.record(connection, ChangeLog.Kind.SESSION, found);
            return found;
        });
        if (tokenHash == null) {
            return false;
        }
        cache.invalidate(tokenHash);
        return true;
    }


    /** Forgets a cached session by its token hash (it was revoked through another instance). */
    public void invalidateHash(String tokenHash) {
        cache.invalidate(tokenHash);
    }

    /** Whether a string has the shape of a token this store issues (cheap pre-check before hashing). */
    public static boolean looksLikeToken(String token) {
        if (token == null || token.length() != TOKEN_LENGTH || !token.startsWith(TOKEN_PREFIX)) {
            return false;
        }
        for (int i = TOKEN_PREFIX.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private Optional<Found> readByHash(String tokenHash) {
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + COLUMNS + ", token_hash FROM connector_session WHERE token_hash = ?")) {
                statement.setString(1, tokenHash);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    // the database found the row by hash; compare again in constant time before trusting it
                    byte[] stored = rows.getString("token_hash").getBytes(StandardCharsets.US_ASCII);
                    if (!MessageDigest.isEqual(stored, tokenHash.getBytes(StandardCharsets.US_ASCII))) {
                        return Optional.empty();
                    }
                    return Optional.of(new Found(map(rows)));
                }
            }
        });
    }

    private static SessionInfo map(ResultSet rows) throws SQLException {
        return new SessionInfo(rows.getString("session_id"), rows.getString("user_id"), rows.getString("client_id"),
                rows.getBoolean("read_only"),
                Jdbc.fromDb(rows.getObject("created_at", OffsetDateTime.class)),
                Jdbc.fromDb(rows.getObject("expires_at", OffsetDateTime.class)),
                Jdbc.fromDb(rows.getObject("revoked_at", OffsetDateTime.class)));
    }

    /** Per thread: the digest and the buffer it writes the sum into. */
    private record Hashing(MessageDigest digest, byte[] sum) {
        static Hashing create() {
            try {
                return new Hashing(MessageDigest.getInstance("SHA-256"), new byte[32]);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }
    }

    private static final ThreadLocal<Hashing> HASHING = ThreadLocal.withInitial(Hashing::create);

    /** SHA-256 of the token's UTF-8 bytes, as 64 lower-case hex digits. */
    static String hash(String token) {
        Hashing h = HASHING.get();
        h.digest().reset();
        h.digest().update(token.getBytes(StandardCharsets.UTF_8));
        try {
            h.digest().digest(h.sum(), 0, h.sum().length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 failed", e);
        }
        return HexFormat.of().formatHex(h.sum());
    }

    /** Cache and database-load counts of this store's lookups (for metrics). */
    public CachedLookup.Stats cacheStats() {
        return cache.stats();
    }
}
