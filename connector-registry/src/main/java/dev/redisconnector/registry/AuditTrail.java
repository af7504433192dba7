package dev.redisconnector.registry;

import dev.redisconnector.core.CommandEvent;
import dev.redisconnector.core.CommandListener;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.policy.Scripts;
import dev.redisconnector.registry.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail in the registry database: who ran which command, how many keys it named, its outcome, duration and
 * reply size, and never an argument value. At {@link Level#ALL} every command is an entry of its own; at
 * {@link Level#WRITES} (the server's default) every command that is not read-only by the server's own command table
 * (writes, admin and dangerous commands, publishing, scripts), every refusal and every command the table does not know
 * is an entry of its own, and read-only commands are counted per minute and per (client, user, command, outcome) with
 * their total duration and reply bytes ({@link Count}), so no command goes unaccounted. Requests hand their events to
 * a bounded queue, or add to a count, never waiting: when the database cannot keep up the excess is dropped and
 * counted ({@link #dropped()}); one background thread wakes every 100 ms, writes entries in batches and the counts of
 * each finished minute, and deletes what is older than the retention. Thread-safe.
 */
public final class AuditTrail implements CommandListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final int BATCH = 2_000;
    private static final int CHUNK = 5_000;
    /** Clients with fewer entries in a batch go to shared chunks. */
    private static final int OWN_CHUNK_MINIMUM = 200;
    /** The {@code client_id} of shared chunks (client ids never contain {@code *}). */
    private static final String SHARED = "*";

    /** What the trail records. */
    public enum Level {
        /** Every command, an entry each. */
        ALL,
        /** Entries for everything but successful (or Redis-failed) read-only commands, which are counted. */
        WRITES,
        /** Nothing: the trail is not started. */
        OFF;

        /** {@code all}, {@code writes} or {@code off}. */
        public static Level parse(String text) {
            for (Level level : values()) {
                if (level.wireName().equals(text)) {
                    return level;
                }
            }
            throw new IllegalArgumentException("all, writes or off, not '" + text + "'");
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Read-only commands of one minute for one (client, user, command, outcome): how many, their total duration and
     * reply bytes.
     */
    public record Count(Instant minute, String userId, String clientId, String command, String outcome,
                        long commands, long durationMicros, long replyBytes) {
    }

    /** One row. {@code keyCount} is {@code -1} when the server's command table was not available. */
    public record Entry(Instant at, String userId, String clientId, String command, int keyCount, String outcome,
                        long durationMicros, long replyBytes, String instance) {
    }

    /** A query: every filter optional; newest first. */
    public record Query(String clientId, String userId, Instant since, Instant until, String outcome, int limit) {
    }

    private final DataSource dataSource;
    private final Duration retention;
    private final Level level;
    private final Map<CountKey, Tally> tallies = new ConcurrentHashMap<>();
    private final List<Map.Entry<CountKey, Tally>> retired = new ArrayList<>();
    private final Queue<CommandEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private volatile long lastPurge;

    /** The instance that writes this trail's chunks ({@code RC_INSTANCE_ID}); {@code null}: not named. */
    private final String instanceId;

    AuditTrail(DataSource dataSource, Duration retention, int capacity, Level level) {
        this(dataSource, retention, capacity, level, null);
    }

    AuditTrail(DataSource dataSource, Duration retention, int capacity, Level level, String instanceId) {
        this.instanceId = instanceId;
        this.dataSource = dataSource;
        this.retention = retention;
        this.level = level;
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
        if (level == Level.WRITES && counted(event)) {
            count(event);
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(event);
    }

    /** The level this trail records at. */
    public Level level() {
        return level;
    }

    /** Outcomes a counted read may have: it ran, or Redis (or the way to it) failed it. Refusals are entries. */
    private static final Set<ErrorCode> COUNTED_FAILURES = EnumSet.of(ErrorCode.REDIS_ERROR, ErrorCode.TIMEOUT,
            ErrorCode.RESULT_TOO_LARGE, ErrorCode.REDIS_UNAVAILABLE, ErrorCode.REDIS_AUTH_FAILED,
            ErrorCode.POOL_EXHAUSTED);

    /** Whether the server's own table flags the command read-only (and it is not a script) and it was not refused. */
    static boolean counted(CommandEvent event) {
        ClassifiedCommand command = event.classified();
        if (command == null || command.spec() == null || !command.spec().readOnly()
                || Scripts.runsOrLoadsCode(command.command())) {
            return false;
        }
        return event.outcome() == null || COUNTED_FAILURES.contains(event.outcome());
    }

    /** The grouping of a count: one minute of one (client, user, command, outcome). */
    private record CountKey(long minuteMs, String clientId, String userId, String command, String outcome) {
    }

    /** A count being added to by requests (striped adders: no lock, no contention). */
    private static final class Tally {
        final LongAdder commands = new LongAdder();
        final LongAdder micros = new LongAdder();
        final LongAdder replyBytes = new LongAdder();
    }

    private void count(CommandEvent event) {
        long at = event.epochMillis();
        CountKey key = new CountKey(at - at % 60_000, clean(event.clientId()), clean(event.userId()),
                clean(event.command()), event.outcomeName());
        Tally tally = tallies.get(key);
        if (tally == null) {
            tally = tallies.computeIfAbsent(key, ignored -> new Tally());
        }
        tally.commands.increment();
        tally.micros.add(event.durationNanos() / 1000);
        tally.replyBytes.add(event.replyBytes());
    }

    /** Reads counted since start (for metrics: what the trail accounted without an entry each). */
    public long counted() {
        return countedTotal.get();
    }

    private final AtomicLong countedTotal = new AtomicLong();

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
            // the writer holds this lock while it writes a batch: once we get it, that batch is done; then the
            // counts of the running minute too (later reads of that minute get a row of their own)
            try {
                writeCounts(Long.MAX_VALUE);
            } catch (RuntimeException e) {
                LOG.warn("audit counts could not be written: {}", e.getMessage());
            }
        }
    }

    /** The rows matching {@code query}, newest first. */
    public List<Entry> query(Query query) {
        return query(dataSource, query);
    }

    static List<Entry> query(DataSource dataSource, Query query) {
        StringBuilder sql = new StringBuilder("SELECT client_id, first_ms, last_ms, body, instance_id FROM audit_chunk"
                + " WHERE 1 = 1");
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
                        String instance = rows.getString(5);
                        for (String line : rows.getString(4).split("\n")) {
                            Entry entry = decode(line, instance);
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

    private static Entry decode(String line, String instance) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 8) {
            return null;
        }
        try {
            return new Entry(Instant.ofEpochMilli(Long.parseLong(fields[0])), fields[2].isEmpty() ? null : fields[2],
                    fields[1].isEmpty() ? null : fields[1], fields[3], Integer.parseInt(fields[4]), fields[5],
                    Long.parseLong(fields[6]), Long.parseLong(fields[7]), instance);
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
            int deleted;
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM audit_chunk WHERE last_ms < ?")) {
                statement.setLong(1, cutoff.toEpochMilli());
                deleted = statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM audit_count WHERE minute_ms < ?")) {
                statement.setLong(1, cutoff.toEpochMilli());
                statement.executeUpdate();
            }
            return deleted;
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
                    writeCounts(stopping ? Long.MAX_VALUE : System.currentTimeMillis() / 60_000 * 60_000);
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

    /**
     * Writes the counts of every minute before {@code beforeMs}. A count is taken out of the map first and written a
     * moment later, so a request that found it just before it was taken out has finished adding to it.
     */
    private void writeCounts(long beforeMs) {
        for (Map.Entry<CountKey, Tally> entry : tallies.entrySet()) {
            if (entry.getKey().minuteMs() < beforeMs && tallies.remove(entry.getKey(), entry.getValue())) {
                retired.add(entry);
            }
        }
        if (retired.isEmpty()) {
            return;
        }
        LockSupport.parkNanos(5_000_000);
        List<Map.Entry<CountKey, Tally>> writing = List.copyOf(retired);
        retired.clear();
        Jdbc.inTransaction(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO audit_count (minute_ms,"
                    + " client_id, user_id, command, outcome, commands, micros, reply_bytes)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Map.Entry<CountKey, Tally> entry : writing) {
                    CountKey key = entry.getKey();
                    Tally tally = entry.getValue();
                    statement.setLong(1, key.minuteMs());
                    statement.setString(2, key.clientId());
                    statement.setString(3, key.userId());
                    statement.setString(4, key.command());
                    statement.setString(5, key.outcome());
                    statement.setLong(6, tally.commands.sum());
                    statement.setLong(7, tally.micros.sum());
                    statement.setLong(8, tally.replyBytes.sum());
                    statement.addBatch();
                    countedTotal.addAndGet(tally.commands.sum());
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    /** The counts matching {@code query} (per minute and group), newest first. */
    static List<Count> counts(DataSource dataSource, Query query) {
        StringBuilder sql = new StringBuilder("SELECT minute_ms, client_id, user_id, command, outcome, SUM(commands),"
                + " SUM(micros), SUM(reply_bytes) FROM audit_count WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        for (Object[] filter : new Object[][] {{"client_id = ?", query.clientId()}, {"user_id = ?", query.userId()},
                {"outcome = ?", query.outcome()},
                {"minute_ms >= ?", query.since() == null ? null : query.since().toEpochMilli() / 60_000 * 60_000},
                {"minute_ms < ?", query.until() == null ? null : query.until().toEpochMilli()}}) {
            if (filter[1] != null) {
                sql.append(" AND ").append(filter[0]);
                params.add(filter[1]);
            }
        }
        sql.append(" GROUP BY minute_ms, client_id, user_id, command, outcome ORDER BY minute_ms DESC, client_id,"
                + " user_id, command, outcome");
        int limit = Math.max(1, Math.min(query.limit(), 10_000));
        return Jdbc.query(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                statement.setMaxRows(limit);
                for (int i = 0; i < params.size(); i++) {
                    statement.setObject(i + 1, params.get(i));
                }
                List<Count> counts = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        counts.add(new Count(Instant.ofEpochMilli(rows.getLong(1)), blankToNull(rows.getString(3)),
                                blankToNull(rows.getString(2)), rows.getString(4), rows.getString(5), rows.getLong(6),
                                rows.getLong(7), rows.getLong(8)));
                    }
                }
                return counts;
            }
        });
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private void write(List<CommandEvent> events) {
        Jdbc.inTransaction(dataSource, connection -> {
            insert(connection, events, instanceId);
            return null;
        });
        written.addAndGet(events.size());
    }

    /**
     * A chunk row per busy client (and per 5,000 entries); the clients with only a few entries in this batch share
     * chunks, so a thousand quiet tenants cost a few inserts, not a thousand.
     */
    private static void insert(Connection connection, List<CommandEvent> events, String instanceId)
            throws SQLException {
        Map<String, List<CommandEvent>> byClient = new LinkedHashMap<>();
        for (CommandEvent event : events) {
            byClient.computeIfAbsent(clean(event.clientId()), ignored -> new ArrayList<>()).add(event);
        }
        List<CommandEvent> shared = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO audit_chunk (client_id,"
                + " first_ms, last_ms, entries, body, instance_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, List<CommandEvent>> client : byClient.entrySet()) {
                if (client.getValue().size() < OWN_CHUNK_MINIMUM) {
                    shared.addAll(client.getValue());
                } else {
                    addChunks(statement, client.getKey(), client.getValue(), instanceId);
                }
            }
            addChunks(statement, SHARED, shared, instanceId);
            statement.executeBatch();
        }
    }

    private static void addChunks(PreparedStatement statement, String clientId, List<CommandEvent> all,
                                  String instanceId) throws SQLException {
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
            statement.setString(6, instanceId);
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
