package dev.redisconnector.registry.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Records registry changes in {@code registry_change}, inside the caller's transaction, and on PostgreSQL announces
 * each with {@code NOTIFY} (delivered when the transaction commits, never for one rolled back). Thread-safe.
 */
public final class ChangeLog {

    /** The PostgreSQL notification channel. */
    public static final String CHANNEL = "rc_registry_change";

    /** What changed; the subject is a client id, or a session's token hash. */
    public enum Kind {
        SERVICE, CREDENTIALS, SESSION;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /** One change, as recorded. */
    public record Change(long seq, Kind kind, String subject) {

        /** {@code seq kind subject}, the notification's payload. */
        String payload() {
            return seq + " " + kind.wire() + " " + subject;
        }

        /** Parses a payload; {@code null} when it is not one. */
        static Change parse(String payload) {
            String[] parts = payload == null ? new String[0] : payload.split(" ", 3);
            if (parts.length != 3) {
                return null;
            }
            try {
                return new Change(Long.parseLong(parts[0]), Kind.parse(parts[1]), parts[2]);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private final boolean notify;
    private volatile BooleanSupplier delivered;

    /** @param notify whether the database is PostgreSQL (H2 keeps the rows, and instances share nothing else) */
    public ChangeLog(boolean notify) {
        this.notify = notify;
        // H2: one instance, which makes (and so hears of) every change itself
        this.delivered = () -> !notify;
    }

    /**
     * Whether every change made anywhere reaches this instance's caches now: always on H2 (one instance); on
     * PostgreSQL while the change listener is connected (see {@link #deliveredBy}).
     */
    public boolean delivered() {
        return delivered.getAsBoolean();
    }

    /** Where {@link #delivered} comes from on PostgreSQL: the change listener's connection state. */
    public void deliveredBy(BooleanSupplier listenerConnected) {
        this.delivered = listenerConnected;
    }

    /** Records a change on {@code connection} (in its transaction, if any). */
    public void record(Connection connection, Kind kind, String subject) throws SQLException {
        long seq;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO registry_change (kind, subject, at_ms) VALUES (?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, kind.wire());
            insert.setString(2, subject);
            insert.setLong(3, System.currentTimeMillis());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                seq = keys.getLong(1);
            }
        }
        if (notify) {
            try (PreparedStatement announce = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                announce.setString(1, CHANNEL);
                announce.setString(2, new Change(seq, kind, subject).payload());
                announce.execute();
            }
        }
    }
}
