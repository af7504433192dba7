package dev.redisconnector.core.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the failovers of one Sentinel service through its sentinels' event channels, so no acknowledged write goes
 * to a master that is about to be replaced.
 *
 * <p>A failover starts with {@code +try-failover} and the replica is promoted at least one sentinel timer tick (about
 * 100 ms) and a leader election later. From {@code +try-failover} on, the service is <em>fenced</em>: no command is
 * sent (they fail at once with {@code REDIS_UNAVAILABLE}, "not sent"), so nothing reaches the old master after the
 * promotion and is thrown away when it resyncs as a replica. Commands already sent were written before the promotion
 * and replicated with it. {@code +switch-master} ends the fence: the service's connections are closed, and the next
 * command connects through the sentinels to the new master (a reconnect always asks the sentinels again). An
 * aborted failover ({@code -failover-abort-*}) or {@link #MAX_FENCE} without a switch also ends it. Each switch is
 * logged with the old and new address. Thread-safe.
 */
final class SentinelWatch implements AutoCloseable {

    /** Longest fence without a {@code +switch-master}: then the sentinels are trusted to say where the master is. */
    static final Duration MAX_FENCE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(SentinelWatch.class);
    private static final String[] CHANNELS = {"+try-failover", "+switch-master", "-failover-abort-not-elected",
        "-failover-abort-no-good-slave", "-failover-abort-slave-timeout", "-failover-abort-master-is-back",
        "+failover-end-for-timeout"};

    private final String clientId;
    private final String masterName;
    private final Runnable onSwitch;
    private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> lastSwitchTo = new AtomicReference<>();
    private volatile long fencedUntilNanos;
    private volatile boolean closed;
    private volatile AbstractRedisClient ownClient;

    /**
     * @param onSwitch closes the service's connections (shared and dedicated) once the master has changed
     */
    SentinelWatch(String clientId, String masterName, Runnable onSwitch) {
        this.clientId = clientId;
        this.masterName = masterName;
        this.onSwitch = onSwitch;
    }

    /** A client that exists only for this watch's connections (own TLS trust), shut down with it. */
    void ownClient(AbstractRedisClient client) {
        this.ownClient = client;
    }

    /** Adds one sentinel's event connection (the watch closes it). */
    void watch(StatefulRedisPubSubConnection<String, String> connection) {
        if (closed) {
            connection.closeAsync();
            return;
        }
        subscriptions.add(connection);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onEvent(channel, message);
            }
        });
        connection.async().subscribe(CHANNELS);
    }

    /** Whether commands must not be sent now (a failover is under way). */
    boolean fenced() {
        long until = fencedUntilNanos;
        return until != 0 && System.nanoTime() - until < 0;
    }

    /** Handles one sentinel event. */
    private void onEvent(String channel, String message) {
        String[] words = message.split(" ");
        switch (channel) {
            case "+try-failover" -> {
                // "master <name> <ip> <port> ..."
                if (words.length >= 2 && words[0].equals("master") && words[1].equals(masterName) && !fenced()) {
                    fencedUntilNanos = System.nanoTime() + MAX_FENCE.toNanos();
                    LOG.warn("sentinel failover started client={} master={} at={}:{}; commands are held back until"
                            + " the new master is announced", clientId, masterName, word(words, 2), word(words, 3));
                }
            }
            case "+switch-master" -> {
                // "<name> <old ip> <old port> <new ip> <new port>"
                if (words.length >= 5 && words[0].equals(masterName)) {
                    String to = words[3] + ":" + words[4];
                    fencedUntilNanos = 0;
                    if (!to.equals(lastSwitchTo.getAndSet(to))) {
                        LOG.warn("sentinel switched master client={} master={} from={}:{} to={}", clientId,
                                masterName, words[1], words[2], to);
                        onSwitch.run();
                    }
                }
            }
            default -> {
                // an aborted or timed-out failover: the old master stays
                if (words.length >= 2 && words[0].equals("master") && words[1].equals(masterName) && fenced()) {
                    fencedUntilNanos = 0;
                    LOG.warn("sentinel failover ended without a switch client={} master={} event={}", clientId,
                            masterName, channel);
                }
            }
        }
    }

    private static String word(String[] words, int index) {
        return index < words.length ? words[index] : "?";
    }

    @Override
    public void close() {
        closed = true;
        for (StatefulRedisPubSubConnection<String, String> connection : subscriptions) {
            connection.closeAsync();
        }
        subscriptions.clear();
        AbstractRedisClient client = ownClient;
        if (client != null) {
            client.shutdownAsync(0, 2, TimeUnit.SECONDS);
        }
    }
}
