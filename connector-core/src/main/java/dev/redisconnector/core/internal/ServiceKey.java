package dev.redisconnector.core.internal;

import dev.redisconnector.core.execution.RespProtocol;

/**
 * One version of one client's service, spoken to in one protocol: what a dedicated-connection pool or a command-table
 * refusal belongs to.
 */
record ServiceKey(String clientId, Versions versions, RespProtocol protocol) {

    ServiceKey(String clientId, Versions versions) {
        this(clientId, versions, RespProtocol.RESP3);
    }
}
