package dev.redisconnector.registry.internal;

import dev.redisconnector.registry.RegistryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/** Small JDBC helpers: transactions and time conversion. Stateless. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Work done on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in a transaction, committing on success and rolling back on any failure. */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new RegistryException("the registry database failed: " + e.getClass().getSimpleName()
                    + " (SQL state " + e.getSQLState() + ")", e);
        }
    }

    /** Runs {@code work} with auto-commit. */
    public static <T> T query(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new RegistryException("the registry database failed: " + e.getClass().getSimpleName()
                    + " (SQL state " + e.getSQLState() + ")", e);
        }
    }

    public static OffsetDateTime toDb(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant fromDb(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
