/**
 * The connector's entry point and public vocabulary: {@link dev.redisconnector.core.RedisConnector} runs the
 * six-step pipeline for an
 * {@link dev.redisconnector.core.ExecuteRequest}; failures are {@link dev.redisconnector.core.ConnectorException}s
 * carrying an {@link dev.redisconnector.core.ErrorCode} and the {@link dev.redisconnector.core.Step} that failed.
 *
 * <p>The steps run in this order: 1 session, 2 command (with the connection-safety refusals), 3 service,
 * 4 credentials, then the specification's 2b, the command policy (it reads the service's own command table, so it
 * needs the service first; nothing has been sent yet), 5 execution; step 6 maps anything unexpected to
 * {@code INTERNAL}.
 */
package dev.redisconnector.core;
