/**
 * Streaming pub/sub: {@link dev.redisconnector.core.RedisConnector#subscribeAsync} opens a subscription on a
 * connection of its own (never the shared one) and delivers messages to a {@link
 * dev.redisconnector.core.pubsub.MessageListener}.
 */
package dev.redisconnector.core.pubsub;
