package dev.redisconnector.core.internal;

/** One version of one client's service: what a dedicated-connection pool or a command-table refusal belongs to. */
record ServiceKey(String clientId, Versions versions) {
}
