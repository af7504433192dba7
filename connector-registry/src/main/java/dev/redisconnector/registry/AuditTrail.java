package dev.redisconnector.registry;

import dev.redisconnector.core.CommandEvent;
import dev.redisconnector.core.CommandListener;
import dev.redisconnector.registry.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one row per command in the registry database, with who ran it, the command name, how many keys it
 * named, its outcome, duration and reply size, and never an argument value. Requests hand their events to a bounded
 * queue (never waiting: when the database cannot keep up the excess is dropped and counted); one background thread
 * writes them in batches and deletes rows older than the retention. Thread-safe.
 */
public final class AuditTrail implements CommandListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final int BATCH = 500;

    /** One row. {@code keyCount} is {@code -1} when the server's command table was not available. */
    public record Entry(Instant at, String userId, String clientId, String command, int keyCount, String outcome,
                        long durationMicros, long replyBytes) {
    }

    /** A query: every filter optional; newest first. */
    public record Query(String clientId, String userId, Instant since, Instant until, String outcome, int limit) {
    }

    private final DataSource dataSource;
    private final Duration retention;
    private final BlockingQueue<CommandEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private volatile long lastPurge;

    AuditTrail(DataSource dataSource, Duration retention, int capacity) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().daemon().name("audit-writer").start(this::writeLoop);
    }

    @Override
    public void onCommand(CommandEvent event) {
        if (!closed.get() && !queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Events dropped because the queue was full (the database fell behind), since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Rows written since start. */
    public long written() {
        return written.get();
    }

    /** Waits until every event queued so far is written (tests, shutdown). */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (this) {
            // the writer holds this lock while it writes a batch: once we get it, that batch is done
        }
    }

    /** The rows matching {@code query}, newest first. */
    public List<Entry> query(Query query) {
        return query(dataSource, query);
    }

    static List<Entry> query(DataSource dataSource, Query query) {
        StringBuilder sql = new StringBuilder("SELECT at, user_id, client_id, command, key_count, outcome,"
                + " duration_us, reply_bytes FROM audit_log WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (query.clientId() != null) {
            sql.append(" AND client_id = ?");
            params.add(query.clientId());
        }
        if (query.userId() != null) {
            sql.append(" AND user_id = ?");
            params.add(query.userId());
        }
        if (query.since() != null) {
            sql.append(" AND at >= ?");
            params.add(Jdbc.toDb(query.since()));
        }
        if (query.until() != null) {
            sql.append(" AND at < ?");
            params.add(Jdbc.toDb(query.until()));
        }
        if (query.outcome() != null) {
            sql.append(" AND outcome = ?");
            params.add(query.outcome());
        }
        sql.append(" ORDER BY at DESC, id DESC");
        int limit = Math.max(1, Math.min(query.limit(), 10_000));
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                statement.setMaxRows(limit);
                for (int i = 0; i < params.size(); i++) {
                    statement.setObject(i + 1, params.get(i));
                }
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next() && entries.size() < limit) {
                        entries.add(new Entry(Jdbc.fromDb(rows.getObject(1, java.time.OffsetDateTime.class)),
                                rows.getString(2), rows.getString(3), rows.getString(4), rows.getInt(5),
                                rows.getString(6), rows.getLong(7), rows.getLong(8)));
                    }
                }
                return entries;
            }
        });
    }

    /** Deletes rows older than {@code cutoff}; returns how many. */
    public int purgeBefore(Instant cutoff) {
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM audit_log WHERE at < ?")) {
                statement.setObject(1, Jdbc.toDb(cutoff));
                return statement.executeUpdate();
            }
        });
    }

    private void writeLoop() {
        List<CommandEvent> batch = new ArrayList<>(BATCH);
        while (!closed.get() || !queue.isEmpty()) {
            try {
                CommandEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                synchronized (this) {
                    if (first != null) {
                        batch.add(first);
                        queue.drainTo(batch, BATCH - 1);
                        write(batch);
                        batch.clear();
                    }
                    purgeWhenDue();
                }
            } catch (InterruptedException e) {
                if (closed.get()) {
                    break;
                }
            } catch (RuntimeException e) {
                // the database is down: these events are lost (counted), later ones are tried again
                dropped.addAndGet(batch.size());
                batch.clear();
                LOG.warn("audit trail could not be written: {}", e.getMessage());
                sleepQuietly();
            }
        }
    }

    private void write(List<CommandEvent> events) {
        Jdbc.inTransaction(dataSource, connection -> {
            insert(connection, events);
            return null;
        });
        written.addAndGet(events.size());
    }

    private static void insert(Connection connection, List<CommandEvent> events) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO audit_log (at, user_id,"
                + " client_id, command, key_count, outcome, duration_us, reply_bytes) VALUES (?, ?, ?, ?, ?, ?, ?,"
                + " ?)")) {
            for (CommandEvent event : events) {
                statement.setObject(1, Jdbc.toDb(Instant.ofEpochMilli(event.epochMillis())));
                statement.setString(2, cut(event.userId(), 256));
                statement.setString(3, cut(event.clientId(), 256));
                statement.setString(4, cut(event.command(), 64));
                statement.setInt(5, event.keyCount());
                statement.setString(6, event.outcomeName());
                statement.setLong(7, event.durationNanos() / 1000);
                statement.setLong(8, event.replyBytes());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private void purgeWhenDue() {
        long now = System.currentTimeMillis();
        if (now - lastPurge < 3_600_000) {
            return;
        }
        lastPurge = now;
        int deleted = purgeBefore(Instant.ofEpochMilli(now).minus(retention));
        if (deleted > 0) {
            LOG.info("audit trail: deleted {} entries older than {} days", deleted, retention.toDays());
        }
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued (for up to 5 s) and stops the writer. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                writer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
