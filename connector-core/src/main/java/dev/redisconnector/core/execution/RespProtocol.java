package dev.redisconnector.core.execution;

/**
 * The protocol a command's connection speaks to Redis, which decides the reply's shape. Connections of each protocol
 * are kept apart (a RESP2 connection is opened only when a RESP2 request comes).
 */
public enum RespProtocol {
    /** RESP3 where the server speaks it (maps, sets, doubles, booleans), else RESP2: the native API's default. */
    RESP3,
    /**
     * RESP2 always: replies exactly as a RESP2 client gets them from Redis (maps flattened or paired as each command
     * defines, doubles as Redis prints them): what the Upstash protocol promises.
     */
    RESP2
}
