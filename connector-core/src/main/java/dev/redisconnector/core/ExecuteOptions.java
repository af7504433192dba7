package dev.redisconnector.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-request options.
 *
 * @param encoding how string arguments and replies are encoded; never {@code null}
 * @param timeout  a lower timeout than the service's, or {@code null} for the service's own; a value above the
 *                 service's timeout is capped to it
 * @param splitAcrossSlots on a Redis Cluster, let an {@code MSET} whose keys are in several slots be split by slot
 *                 (each part atomic, the whole not): the caller accepts that some parts may be set and others not
 */
public record ExecuteOptions(Encoding encoding, Duration timeout, boolean splitAcrossSlots) {

    /** UTF-8, the service's timeout. */
    public static final ExecuteOptions DEFAULT = new ExecuteOptions(Encoding.UTF8, null);

    /** Options without splitting across slots. */
    public ExecuteOptions(Encoding encoding, Duration timeout) {
        this(encoding, timeout, false);
    }

    public ExecuteOptions {
        Objects.requireNonNull(encoding, "encoding");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw ConnectorException.invalidRequest("options.timeoutMs must be a positive number of milliseconds.");
        }
    }
}
