package dev.redisconnector.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Hands out fresh registry databases for tests: an H2 file in a directory, or a new database on the local
 * PostgreSQL ({@code RC_TEST_PG_HOST}, {@code RC_TEST_PG_PORT}, {@code RC_TEST_PG_USER}, defaults
 * 127.0.0.1:5432 user postgres), dropped again on {@link TestDatabase#close()}.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    /** A fresh H2 database stored under {@code directory}. */
    public static TestDatabase h2(Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("registry-" + shortId()).toAbsolutePath()
                + ";DB_CLOSE_DELAY=-1";
        return new TestDatabase("h2", url, "sa", "", () -> { });
    }

    /** A fresh, empty PostgreSQL database; fails with a clear message when PostgreSQL is not reachable. */
    public static TestDatabase postgres() {
        String host = env("RC_TEST_PG_HOST", "127.0.0.1");
        String port = env("RC_TEST_PG_PORT", "5432");
        String user = env("RC_TEST_PG_USER", "postgres");
        String password = env("RC_TEST_PG_PASSWORD", "");
        String admin = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        String name = "rc_test_" + shortId();
        try (Connection connection = DriverManager.getConnection(admin, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + host + ":" + port + " as " + user
                    + " (start it with scripts/test, or set RC_TEST_PG_*): " + e.getMessage(), e);
        }
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + name;
        return new TestDatabase("postgresql", url, user, password, () -> {
            try (Connection connection = DriverManager.getConnection(admin, user, password);
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        });
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A database made for one test class. Close it to drop it. */
    public record TestDatabase(String kind, String jdbcUrl, String user, String password, Dropper dropper)
            implements AutoCloseable {

        @Override
        public void close() {
            try {
                dropper.drop();
            } catch (SQLException e) {
                // leaving a test database behind must not fail the build
            }
        }

        @Override
        public String toString() {
            return kind + " " + jdbcUrl;
        }
    }

    /** Drops a test database. */
    @FunctionalInterface
    public interface Dropper {
        void drop() throws SQLException;
    }
}
