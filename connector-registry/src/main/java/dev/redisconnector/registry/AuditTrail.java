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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one row per command in the registry database, with who ran it, the command name, how many keys it
 * named, its outcome, duration and reply size, and never an argument value. Requests hand their events to a bounded
 * queue (never waiting: when the database cannot keep up the excess is dropped and counted); one background thread
 * wakes every 100 ms, writes them in batches and deletes rows older than the retention. Thread-safe.
 */
public final class AuditTrail implements CommandListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final int BATCH = 2_000;
    private static final int CHUNK = 5_000;
    /** Clients with fewer entries in a batch go to shared chunks. */
    private static final int OWN_CHUNK_MINIMUM = 200;
    /** The {@code client_id} of shared chunks (client ids never contain {@code *}). */
    private static final String SHARED = "*";

    /** One row. {@code keyCount} is {@code -1} when the server's command table was not available. */
    public record Entry(Instant at, String userId, String clientId, String command, int keyCount, String outcome,
                        long durationMicros, long replyBytes) {
    }

    /** A query: every filter optional; newest first. */
    public record Query(String clientId, String userId, Instant since, Instant until, String outcome, int limit) {
    }

    private final DataSource dataSource;
    private final Duration retention;
    private final Queue<CommandEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private volatile long lastPurge;

    AuditTrail(DataSource dataSource, Duration retention, int capacity) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.capacity = capacity;
        this.writer = Thread.ofPlatform().daemon().name("audit-writer").start(this::writeLoop);
    }

    /**
     * Queues the event without waiting and without waking the writer (it wakes on its own every 100 ms): on the
     * request path this is one lock-free append.
     */
    @Override
    public void onCommand(CommandEvent event) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(event);
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
        StringBuilder sql = new StringBuilder("SELECT client_id, first_ms, last_ms, body FROM audit_chunk WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (query.clientId() != null) {
            // the client's own chunks, and the shared chunks that hold a little of many clients
            sql.append(" AND client_id IN (?, ?)");
            params.add(query.clientId());
            params.add(SHARED);
        }
        if (query.since() != null) {
            sql.append(" AND last_ms >= ?");
            params.add(query.since().toEpochMilli());
        }
        if (query.until() != null) {
            sql.append(" AND first_ms < ?");
            params.add(query.until().toEpochMilli());
        }
        sql.append(" ORDER BY last_ms DESC, id DESC");
        int limit = Math.max(1, Math.min(query.limit(), 10_000));
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                statement.setFetchSize(16);
                for (int i = 0; i < params.size(); i++) {
                    statement.setObject(i + 1, params.get(i));
                }
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long lastMs = rows.getLong(3);
                        if (entries.size() >= limit && lastMs < entries.get(limit - 1).at().toEpochMilli()) {
                            // every later chunk is older than the newest `limit` entries found
                            break;
                        }
                        for (String line : rows.getString(4).split("\n")) {
                            Entry entry = decode(line);
                            if (entry != null && matches(entry, query)) {
                                entries.add(entry);
                            }
                        }
                        entries.sort(Comparator.comparing(Entry::at).reversed());
                    }
                }
                return entries.size() > limit ? List.copyOf(entries.subList(0, limit)) : entries;
            }
        });
    }

    private static boolean matches(Entry entry, Query query) {
        return (query.clientId() == null || query.clientId().equals(entry.clientId()))
                && (query.userId() == null || query.userId().equals(entry.userId()))
                && (query.outcome() == null || query.outcome().equals(entry.outcome()))
                && (query.since() == null || !entry.at().isBefore(query.since()))
                && (query.until() == null || entry.at().isBefore(query.until()));
    }

    /** One entry per line: millis, client, user, command, keys, outcome, microseconds, reply bytes; tab-separated. */
    private static void encode(CommandEvent event, StringBuilder out) {
        out.append(event.epochMillis()).append('\t').append(clean(event.clientId())).append('\t')
                .append(clean(event.userId())).append('\t')
                .append(clean(event.command())).append('\t').append(event.keyCount()).append('\t')
                .append(event.outcomeName()).append('\t').append(event.durationNanos() / 1000).append('\t')
                .append(event.replyBytes()).append('\n');
    }

    private static Entry decode(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 8) {
            return null;
        }
        try {
            return new Entry(Instant.ofEpochMilli(Long.parseLong(fields[0])), fields[2].isEmpty() ? null : fields[2],
                    fields[1].isEmpty() ? null : fields[1], fields[3], Integer.parseInt(fields[4]), fields[5],
                    Long.parseLong(fields[6]), Long.parseLong(fields[7]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Ids and command names hold no tabs or line breaks; make sure of it. */
    private static String clean(String value) {
        if (value == null) {
            return "";
        }
        String cut = value.length() > 256 ? value.substring(0, 256) : value;
        return cut.indexOf('\t') < 0 && cut.indexOf('\n') < 0 && cut.indexOf('\r') < 0 ? cut
                : cut.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /** Deletes rows older than {@code cutoff}; returns how many. */
    public int purgeBefore(Instant cutoff) {
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM audit_chunk WHERE last_ms < ?")) {
                statement.setLong(1, cutoff.toEpochMilli());
                return statement.executeUpdate();
            }
        });
    }

    private void writeLoop() {
        List<CommandEvent> batch = new ArrayList<>(BATCH);
        while (true) {
            boolean stopping = closed.get();
            synchronized (this) {
                try {
                    CommandEvent next;
                    while ((next = queue.poll()) != null) {
                        queued.decrementAndGet();
                        batch.add(next);
                        if (batch.size() == BATCH) {
                            write(batch);
                            batch.clear();
                            // a short pause between slices: the writer's work never holds a core for long
                            Thread.sleep(1);
                        }
                    }
                    if (!batch.isEmpty()) {
                        write(batch);
                        batch.clear();
                    }
                    purgeWhenDue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    // the database is down: these events are lost (counted), later ones are tried again
                    dropped.addAndGet(batch.size());
                    batch.clear();
                    LOG.warn("audit trail could not be written: {}", e.getMessage());
                }
            }
            if (stopping) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (closed.get()) {
                    return;
                }
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

    /**
     * A chunk row per busy client (and per 5,000 entries); the clients with only a few entries in this batch share
     * chunks, so a thousand quiet tenants cost a few inserts, not a thousand.
     */
    private static void insert(Connection connection, List<CommandEvent> events) throws SQLException {
        Map<String, List<CommandEvent>> byClient = new LinkedHashMap<>();
        for (CommandEvent event : events) {
            byClient.computeIfAbsent(clean(event.clientId()), ignored -> new ArrayList<>()).add(event);
        }
        List<CommandEvent> shared = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO audit_chunk (client_id,"
                + " first_ms, last_ms, entries, body) VALUES (?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, List<CommandEvent>> client : byClient.entrySet()) {
                if (client.getValue().size() < OWN_CHUNK_MINIMUM) {
                    shared.addAll(client.getValue());
                } else {
                    addChunks(statement, client.getKey(), client.getValue());
                }
            }
            addChunks(statement, SHARED, shared);
            statement.executeBatch();
        }
    }

    private static void addChunks(PreparedStatement statement, String clientId, List<CommandEvent> all)
            throws SQLException {
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<CommandEvent> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            StringBuilder body = new StringBuilder(chunk.size() * 72);
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (CommandEvent event : chunk) {
                encode(event, body);
                first = Math.min(first, event.epochMillis());
                last = Math.max(last, event.epochMillis());
            }
            statement.setString(1, clientId);
            statement.setLong(2, first);
            statement.setLong(3, last);
            statement.setInt(4, chunk.size());
            statement.setString(5, body.toString());
            statement.addBatch();
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
