package dev.redisconnector.core;

import dev.redisconnector.core.execution.RespProtocol;
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
 * @param protocol the protocol spoken to Redis, which decides the reply's shape ({@link RespProtocol#RESP3} by
 *                 default; the Upstash protocol asks for {@link RespProtocol#RESP2})
 */
public record ExecuteOptions(Encoding encoding, Duration timeout, boolean splitAcrossSlots, RespProtocol protocol) {

    /** UTF-8, the service's timeout. */
    public static final ExecuteOptions DEFAULT = new ExecuteOptions(Encoding.UTF8, null);

    /** Options without splitting across slots. */
    public ExecuteOptions(Encoding encoding, Duration timeout) {
        this(encoding, timeout, false);
    }

    /** Options spoken in RESP3. */
    public ExecuteOptions(Encoding encoding, Duration timeout, boolean splitAcrossSlots) {
        this(encoding, timeout, splitAcrossSlots, RespProtocol.RESP3);
    }

    /** These options with replies in {@code value}'s shape. */
    public ExecuteOptions with(RespProtocol value) {
        return new ExecuteOptions(encoding, timeout, splitAcrossSlots, value);
    }

    public ExecuteOptions {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(protocol, "protocol");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw ConnectorException.invalidRequest("options.timeoutMs must be a positive number of milliseconds.");
        }
    }
}
