package dev.redisconnector.registry.internal;

import dev.redisconnector.registry.internal.ChangeLog.Change;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for registry changes made by any instance ({@code LISTEN rc_registry_change} on one dedicated PostgreSQL
 * connection, outside the pool) and hands each to {@code apply}. When the connection drops (database restart,
 * network, a killed backend) it reconnects with backoff (100 ms doubling to 5 s) and first applies every change
 * recorded after the last one it applied (the {@code registry_change} rows), so nothing made while it was away is
 * missed; until then the caches' freshness still bounds staleness. Also deletes change rows older than a week, once an
 * hour. One platform thread; {@link #close()} stops it.
 */
public final class ChangeFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final Duration KEEP = Duration.ofDays(7);
    private static final long PRUNE_EVERY_MS = 3_600_000;

    private final String url;
    private final String user;
    private final String password;
    private final Consumer<Change> apply;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean connected;
    private volatile Connection connection;
    /** The highest seq applied; -1 before the first connection (then it starts from the newest row). */
    private long lastSeq = -1;
    private long lastPrune;

    public ChangeFeed(String url, String user, String password, Consumer<Change> apply) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.apply = apply;
        this.thread = Thread.ofPlatform().daemon().name("registry-changes").unstarted(this::run);
        thread.start();
    }

    /** Whether the listener is connected now. */
    public boolean connected() {
        return connected;
    }

    /** Changes applied since start (including this instance's own). */
    public long applied() {
        return applied.get();
    }

    /** Times the listener lost its connection and connected again. */
    public long reconnects() {
        return reconnects.get();
    }

    private void run() {
        long backoff = 100;
        boolean first = true;
        while (running.get()) {
            try (Connection listening = DriverManager.getConnection(url, properties())) {
                connection = listening;
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN " + ChangeLog.CHANNEL);
                }
                // what was recorded before LISTEN took effect (or while away) is read after it: nothing falls between
                catchUp(listening);
                connected = true;
                if (!first) {
                    reconnects.incrementAndGet();
                    LOG.info("registry change listener reconnected; applied changes up to seq={}", lastSeq);
                }
                first = false;
                backoff = 100;
                PGConnection pg = listening.unwrap(PGConnection.class);
                while (running.get()) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            Change change = Change.parse(notification.getParameter());
                            if (change != null) {
                                apply(change);
                            }
                        }
                    }
                    ping(listening);
                    prune(listening);
                }
            } catch (SQLException | RuntimeException e) {
                connected = false;
                if (!running.get()) {
                    return;
                }
                LOG.warn("registry change listener disconnected (reconnecting in {} ms; caches expire meanwhile):"
                        + " {} (SQL state {})", backoff, e.getClass().getSimpleName(),
                        e instanceof SQLException sql ? sql.getSQLState() : "-");
                sleep(backoff);
                backoff = Math.min(5000, backoff * 2);
            } finally {
                connected = false;
                connection = null;
            }
        }
    }

    /** Applies the changes recorded after {@link #lastSeq}; on the first connection, starts from the newest. */
    private void catchUp(Connection listening) throws SQLException {
        if (lastSeq < 0) {
            try (Statement statement = listening.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM registry_change")) {
                rows.next();
                lastSeq = rows.getLong(1);
            }
            return;
        }
        try (PreparedStatement missed = listening.prepareStatement(
                "SELECT seq, kind, subject FROM registry_change WHERE seq > ? ORDER BY seq")) {
            missed.setLong(1, lastSeq);
            try (ResultSet rows = missed.executeQuery()) {
                while (rows.next()) {
                    Change change = Change.parse(rows.getLong(1) + " " + rows.getString(2) + " " + rows.getString(3));
                    if (change != null) {
                        apply(change);
                    }
                }
            }
        }
    }

    private void apply(Change change) {
        try {
            apply.accept(change);
        } catch (RuntimeException e) {
            LOG.warn("applying registry change seq={} kind={} failed: {}", change.seq(), change.kind(),
                    e.getClass().getSimpleName());
        }
        applied.incrementAndGet();
        lastSeq = Math.max(lastSeq, change.seq());
    }

    private long lastPing;

    /** A query every 5 s: a connection that died without a word (no RST) fails here, not never. */
    private void ping(Connection listening) throws SQLException {
        long now = System.currentTimeMillis();
        if (now - lastPing < 5000) {
            return;
        }
        lastPing = now;
        try (Statement statement = listening.createStatement()) {
            statement.setQueryTimeout(3);
            statement.execute("SELECT 1");
        }
    }

    private void prune(Connection listening) throws SQLException {
        long now = System.currentTimeMillis();
        if (now - lastPrune < PRUNE_EVERY_MS) {
            return;
        }
        lastPrune = now;
        try (PreparedStatement delete = listening.prepareStatement("DELETE FROM registry_change WHERE at_ms < ?")) {
            delete.setLong(1, now - KEEP.toMillis());
            delete.executeUpdate();
        }
    }

    /** The name the listener's connection shows in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "redis-connector-changes";

    private Properties properties() {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", "5");
        return properties;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        Connection current = connection;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException ignored) {
                // closing: the thread sees running = false
            }
        }
        thread.interrupt();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
