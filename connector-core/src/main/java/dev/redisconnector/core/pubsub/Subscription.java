package dev.redisconnector.core.pubsub;

/** An open subscription on a connection of its own. {@link #close()} ends it and closes the connection. */
public interface Subscription extends AutoCloseable {

    /** Unsubscribes and closes the subscription's connection. Idempotent; never throws. */
    @Override
    void close();
}
