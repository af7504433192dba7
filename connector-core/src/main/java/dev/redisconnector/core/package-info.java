/**
 * The connector's entry point and public vocabulary: {@link dev.redisconnector.core.RedisConnector} runs the
 * six-step pipeline (session, command, policy, service, credentials, execution) for an
 * {@link dev.redisconnector.core.ExecuteRequest}; failures are {@link dev.redisconnector.core.ConnectorException}s
 * carrying an {@link dev.redisconnector.core.ErrorCode} and the {@link dev.redisconnector.core.Step} that failed.
 */
package dev.redisconnector.core;
