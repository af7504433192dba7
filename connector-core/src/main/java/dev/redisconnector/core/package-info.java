/**
 * The connector's entry point and public vocabulary: {@link dev.redisconnector.core.RedisConnector} runs the
 * six-step pipeline for an
 * {@link dev.redisconnector.core.ExecuteRequest}; failures are {@link dev.redisconnector.core.ConnectorException}s
 * carrying an {@link dev.redisconnector.core.ErrorCode} and the {@link dev.redisconnector.core.Step} that failed.
 *
 * <p>The steps run in this order: 1 session, 2 command (with the connection-safety refusals), 3 service,
 * 4 credentials, then the specification's 2b, the command policy (it reads the service's own command table, so it
 * needs the service first; nothing has been sent yet), 5 execution; step 6 maps anything unexpected to
 * {@code INTERNAL}. Inside: {@code CommandGate} (2, the rate limit, 2b with the command classified once),
 * {@code TargetResolver} (3 and 4, one path for every entry point), {@code Batches} (pipelines and transactions),
 * {@code ErrorHandling} (6) and {@code CommandTrace} (what the listener is told).
 */
package dev.redisconnector.core;
