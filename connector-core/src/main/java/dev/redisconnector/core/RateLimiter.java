package dev.redisconnector.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * A token bucket per client: {@code rate} commands per second, up to {@code burst} at once. Thread-safe.
 */
final class RateLimiter {

    private final double rate;
    private final int burst;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000).executor(Runnable::run).build();

    RateLimiter(double rate, int burst) {
        this.rate = rate;
        this.burst = burst;
    }

    /** Takes {@code permits} for the client, or throws {@code RATE_LIMITED} saying when to retry. */
    void acquire(String clientId, int permits) {
        Bucket bucket = buckets.get(clientId, id -> new Bucket(burst, System.nanoTime()));
        double missing = bucket.take(permits, rate, burst);
        if (missing > 0) {
            long seconds = Math.max(1, (long) Math.ceil(missing / rate));
            throw ConnectorException.rateLimited("Too many commands for client '" + clientId + "': the limit is "
                    + format(rate) + " per second (bursts of " + burst + "); retry in " + seconds + " s.",
                    Duration.ofSeconds(seconds));
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        /** Takes the permits and returns 0, or returns how many tokens are missing. */
        synchronized double take(int permits, double rate, int burst) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - updated) / 1e9 * rate);
            updated = now;
            if (tokens >= permits) {
                tokens -= permits;
                return 0;
            }
            return permits - tokens;
        }
    }
}
