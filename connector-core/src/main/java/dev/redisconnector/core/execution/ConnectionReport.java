package dev.redisconnector.core.execution;

import java.util.List;

/**
 * What a successful connection test found. Immutable; fields that do not apply to the service's mode are
 * {@code null}.
 *
 * @param serverVersion     {@code redis_version} from {@code INFO server}
 * @param role              {@code master} or {@code slave}, from {@code ROLE}
 * @param mode              {@code redis_mode}: standalone or cluster
 * @param latencyMillis     round trip of a {@code PING}
 * @param protocol          {@code RESP3} or {@code RESP2}, as negotiated
 * @param currentMaster     sentinel mode: the master's address as the sentinels report it
 * @param clusterState      cluster mode: {@code ok} or {@code fail}, from {@code CLUSTER INFO}
 * @param clusterKnownNodes cluster mode: number of known nodes
 * @param tlsProtocol       with TLS: the negotiated protocol, e.g. {@code TLSv1.3}
 * @param tlsPeerSubject    with TLS: the server certificate's subject
 */
public record ConnectionReport(String serverVersion, String role, String mode, double latencyMillis,
                               String protocol, String currentMaster, String clusterState, Integer clusterKnownNodes,
                               String tlsProtocol, String tlsPeerSubject, List<String> sentinels) {
}
