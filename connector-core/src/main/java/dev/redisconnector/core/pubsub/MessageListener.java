package dev.redisconnector.core.pubsub;

/**
 * Receives what a subscription delivers. Called on a network thread, one call at a time per subscription, in the
 * order Redis sent the messages; implementations must not block.
 */
public interface MessageListener {

    /** Redis confirmed a channel ({@code pattern == false}) or pattern subscription; {@code count} is the total. */
    void subscribed(byte[] channelOrPattern, boolean pattern, long count);

    /**
     * A message.
     *
     * @param pattern the pattern it matched, or {@code null} for a channel subscription
     */
    void message(byte[] pattern, byte[] channel, byte[] message);
}
