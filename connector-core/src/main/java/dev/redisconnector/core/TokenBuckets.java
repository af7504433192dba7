package dev.redisconnector.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * A token bucket per key: {@code perSecond} tokens refill evenly, up to {@code burst}. Keys unused for ten minutes are
 * forgotten (their bucket is full again). Used for the per-client command rate limit and the per-address
 * failed-authentication throttle. Thread-safe.
 */
public final class TokenBuckets {

    private final double perSecond;
    private final int burst;
    private final Cache<String, Bucket> buckets;

    public TokenBuckets(double perSecond, int burst, long maxKeys) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(maxKeys)
                .executor(Runnable::run).build();
    }

    /**
     * Takes {@code permits} when the bucket holds them and returns 0; otherwise takes nothing and returns how many
     * tokens are missing.
     */
    public double take(String key, int permits) {
        return bucket(key).take(permits, perSecond, burst, false);
    }

    /** Takes {@code permits}, as many as there are (never below empty). */
    public void drain(String key, int permits) {
        bucket(key).take(permits, perSecond, burst, true);
    }

    /** Seconds until {@code key}'s bucket holds a token again; {@code 0} when it holds one now (or is unknown). */
    public long secondsUntilToken(String key) {
        Bucket bucket = buckets.getIfPresent(key);
        if (bucket == null) {
            return 0;
        }
        bucket.take(0, perSecond, burst, false);
        double missing = 1 - bucket.tokens();
        return missing <= 0 ? 0 : secondsFor(missing);
    }

    /** Seconds to wait for {@code missing} tokens. */
    public long secondsFor(double missing) {
        return Math.max(1, (long) Math.ceil(missing / perSecond));
    }

    private Bucket bucket(String key) {
        return buckets.get(key, ignored -> new Bucket(burst, System.nanoTime()));
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized double tokens() {
            return tokens;
        }

        /**
         * Refills, then takes the permits (all, or as many as there are when {@code partial}); returns what was
         * missing (0 when all were taken).
         */
        synchronized double take(int permits, double perSecond, int burst, boolean partial) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - updated) / 1e9 * perSecond);
            updated = now;
            if (tokens >= permits) {
                tokens -= permits;
                return 0;
            }
            double missing = permits - tokens;
            if (partial) {
                tokens = 0;
            }
            return missing;
        }
    }
}
