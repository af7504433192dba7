package dev.redisconnector.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the registry lives and how it caches. Immutable; {@code toString()} masks the password.
 *
 * @param jdbcUrl     {@code jdbc:h2:file:...} or {@code jdbc:postgresql://...}
 * @param user        database user
 * @param password    database password (may be empty)
 * @param poolSize    maximum JDBC connections
 * @param cacheFresh  how long a cached service, credential or session is used without re-reading the database
 *                    while changes made elsewhere may not reach this instance (the PostgreSQL change listener is
 *                    reconnecting)
 * @param cacheReread how long it is used while every change reaches this instance (the listener is connected, or
 *                    H2: one instance); at least {@code cacheFresh}
 * @param cacheMaxStale how long a cached entry may still be served while the database is unreachable
 */
public record RegistryConfig(String jdbcUrl, String user, String password, int poolSize, Duration cacheFresh,
                             Duration cacheReread, Duration cacheMaxStale) {

    /** Default time a cached entry is fresh: 5 s. */
    public static final Duration DEFAULT_CACHE_FRESH = Duration.ofSeconds(5);
    /** Default time a cached entry is fresh while every change reaches this instance: 60 s. */
    public static final Duration DEFAULT_CACHE_REREAD = Duration.ofSeconds(60);
    /** Default time a stale entry may be served while the database is down: 10 minutes. */
    public static final Duration DEFAULT_CACHE_MAX_STALE = Duration.ofMinutes(10);
    /** Default pool size: 10. */
    public static final int DEFAULT_POOL_SIZE = 10;

    public RegistryConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(cacheFresh, "cacheFresh");
        Objects.requireNonNull(cacheReread, "cacheReread");
        Objects.requireNonNull(cacheMaxStale, "cacheMaxStale");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be positive");
        }
    }

    /** A registry at {@code jdbcUrl} with default pool and cache settings. */
    public static RegistryConfig of(String jdbcUrl, String user, String password) {
        return new RegistryConfig(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_CACHE_FRESH,
                DEFAULT_CACHE_REREAD, DEFAULT_CACHE_MAX_STALE);
    }

    /** The embedded H2 registry inside {@code dataDir}. */
    public static RegistryConfig embedded(Path dataDir) {
        return of("jdbc:h2:file:" + dataDir.resolve("registry").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE", "sa",
                "");
    }


    @Override
    public String toString() {
        return "RegistryConfig[jdbcUrl=" + Registry.safeUrl(jdbcUrl) + ", user=" + user + ", password=******, poolSize=" + poolSize
                + ", cacheFresh=" + cacheFresh + ", cacheReread=" + cacheReread + ", cacheMaxStale=" + cacheMaxStale
                + "]";
    }
}
