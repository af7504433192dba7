/**
 * Not API: the Lettuce implementation behind {@link dev.redisconnector.core.execution.CommandExecutor} (connection
 * opening with the host policy, the connection providers, cluster routing, dedicated connections, pub/sub, command
 * tables, failure mapping). Public types here are public only so the connector's own modules can reach them; they
 * change without notice. Use {@link dev.redisconnector.core.execution.LettuceExecutors} to create an executor.
 */
package dev.redisconnector.core.internal;

