package dev.redisconnector.server.http;

import dev.redisconnector.core.TokenBuckets;

/**
 * Slows down guessing: every request answered {@code 401} takes a token from its remote address's bucket
 * ({@code perMinute} tokens, refilled evenly over a minute); an address whose bucket is empty gets {@code 429} with
 * {@code Retry-After} before its token is even looked at. Addresses that never fail cost one map lookup. Thread-safe.
 */
public final class AuthThrottle {

    private final TokenBuckets buckets;

    /** {@code perMinute} failed authentications per address and minute; {@code 0} turns the throttle off. */
    public AuthThrottle(int perMinute) {
        this.buckets = perMinute > 0 ? new TokenBuckets(perMinute / 60.0, perMinute, 100_000) : null;
    }

    /** Whether the throttle is on. */
    public boolean enabled() {
        return buckets != null;
    }

    /** Seconds to wait before {@code address} may try again, or {@code 0} when it may try now. */
    public long retryAfterSeconds(String address) {
        return buckets == null ? 0 : buckets.secondsUntilToken(address);
    }

    /** Records a failed authentication from {@code address}. */
    public void failed(String address) {
        if (buckets != null) {
            buckets.drain(address, 1);
        }
    }
}
