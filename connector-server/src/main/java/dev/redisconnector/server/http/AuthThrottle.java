package dev.redisconnector.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Slows down guessing: every request answered {@code 401} takes a token from its remote address's bucket
 * ({@code perMinute} tokens, refilled evenly over a minute); an address whose bucket is empty gets {@code 429} with
 * {@code Retry-After} before its token is even looked at. Addresses that never fail cost one map lookup. Thread-safe.
 */
public final class AuthThrottle {

    private final double perSecond;
    private final int burst;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(100_000).executor(Runnable::run).build();

    /** {@code perMinute} failed authentications per address and minute; {@code 0} turns the throttle off. */
    public AuthThrottle(int perMinute) {
        this.perSecond = perMinute / 60.0;
        this.burst = perMinute;
    }

    /** Whether the throttle is on. */
    public boolean enabled() {
        return burst > 0;
    }

    /** Seconds to wait before {@code address} may try again, or {@code 0} when it may try now. */
    public long retryAfterSeconds(String address) {
        if (burst <= 0) {
            return 0;
        }
        Bucket bucket = buckets.getIfPresent(address);
        return bucket == null ? 0 : bucket.waitSeconds(perSecond, burst);
    }

    /** Records a failed authentication from {@code address}. */
    public void failed(String address) {
        if (burst > 0) {
            buckets.get(address, ignored -> new Bucket(burst, System.nanoTime())).take(perSecond, burst);
        }
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        private void refill(double perSecond, int burst) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - updated) / 1e9 * perSecond);
            updated = now;
        }

        synchronized void take(double perSecond, int burst) {
            refill(perSecond, burst);
            tokens = Math.max(0, tokens - 1);
        }

        synchronized long waitSeconds(double perSecond, int burst) {
            refill(perSecond, burst);
            return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }
    }
}
