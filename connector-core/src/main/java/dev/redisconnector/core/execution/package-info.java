/**
 * Step 5, execution: the {@link dev.redisconnector.core.execution.CommandExecutor} interface (run, pipeline,
 * blocking, transaction, subscribe, connection test, statistics), what it runs against
 * ({@link dev.redisconnector.core.execution.ExecutionTarget}), where connections may go
 * ({@link dev.redisconnector.core.execution.HostPolicy}), and the
 * {@link dev.redisconnector.core.execution.ConnectionProvider} seam that decides which connection a command runs on.
 * {@link dev.redisconnector.core.execution.LettuceExecutors} creates the connector's executor; its implementation
 * lives in {@code dev.redisconnector.core.internal}, which is not API.
 */
package dev.redisconnector.core.execution;
