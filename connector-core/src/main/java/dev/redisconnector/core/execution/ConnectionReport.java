package dev.redisconnector.core.execution;

/**
 * The outcome of a successful connection test. Immutable.
 *
 * @param serverVersion {@code redis_version} from {@code INFO server}
 * @param role          {@code master}, {@code slave} (replica) or {@code sentinel}, from {@code ROLE}
 * @param mode          {@code redis_mode} from {@code INFO server}: standalone, cluster or sentinel
 * @param latencyMillis round trip of a {@code PING}
 * @param protocol      {@code RESP3} or {@code RESP2}, as negotiated
 */
public record ConnectionReport(String serverVersion, String role, String mode, double latencyMillis,
                               String protocol) {
}
