/**
 * The HTTP service: {@link dev.redisconnector.server.ConnectorServer} serves {@code POST /v1/redis/execute}, the admin
 * API and health checks on Vert.x; the {@code redis-connector} CLI lives in {@code .cli}.
 */
package dev.redisconnector.server;
