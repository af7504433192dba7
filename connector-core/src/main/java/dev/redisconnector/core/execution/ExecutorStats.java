package dev.redisconnector.core.execution;

/**
 * What an executor holds right now, for metrics. Immutable.
 *
 * @param sharedConnections connections of the connection provider, open or opening
 * @param dedicatedInUse    dedicated connections leased (blocking commands and transactions in progress)
 * @param dedicatedOpen     dedicated connections open, leased or idle
 * @param subscriptions     pub/sub connections open
 * @param droppedValues     values over the reply limit dropped as they arrived, since start
 */
public record ExecutorStats(long sharedConnections, int dedicatedInUse, int dedicatedOpen, int subscriptions,
                            long droppedValues) {

    /** An executor that holds nothing. */
    public static final ExecutorStats NONE = new ExecutorStats(0, 0, 0, 0, 0);
}
