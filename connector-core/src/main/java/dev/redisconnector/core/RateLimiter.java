package dev.redisconnector.core;

import java.time.Duration;

/**
 * Commands per client: {@code rate} per second, up to {@code burst} at once ({@link TokenBuckets}). Thread-safe.
 */
final class RateLimiter {

    private final double rate;
    private final int burst;
    private final TokenBuckets buckets;

    RateLimiter(double rate, int burst) {
        this.rate = rate;
        this.burst = burst;
        this.buckets = new TokenBuckets(rate, burst, 1_000_000);
    }

    /** Takes {@code permits} for the client, or throws {@code RATE_LIMITED} saying when to retry. */
    void acquire(String clientId, int permits) {
        double missing = buckets.take(clientId, permits);
        if (missing > 0) {
            long seconds = buckets.secondsFor(missing);
            throw ConnectorException.rateLimited("Too many commands for client '" + clientId + "': the limit is "
                    + format(rate) + " per second (bursts of " + burst + "); retry in " + seconds + " s.",
                    Duration.ofSeconds(seconds));
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
