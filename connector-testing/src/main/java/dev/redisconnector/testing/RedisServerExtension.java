package dev.redisconnector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real {@code redis-server} before the test class and stops it after, whatever happens.
 *
 * <pre>{@code
 * @RegisterExtension
 * static RedisServerExtension redis = RedisServerExtension.builder().password("s3cret").build();
 * }</pre>
 *
 * <p>Use as a static field. {@link #server()} is valid between {@code beforeAll} and {@code afterAll}.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final List<String> config;
    private Path directory;
    private RedisServerProcess server;

    private RedisServerExtension(List<String> config) {
        this.config = List.copyOf(config);
    }

    /** A builder for a plain server; add a password, ACL users or raw config lines. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("redis-test-");
        server = RedisServerProcess.start(config, directory);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            deleteQuietly(directory);
        }
    }

    /** The running server. */
    public RedisServerProcess server() {
        if (server == null) {
            throw new IllegalStateException("the server starts in beforeAll; use the extension from a static field");
        }
        return server;
    }

    /** Shortcut for {@code server().port()}. */
    public int port() {
        return server().port();
    }

    static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    /** Builds a {@link RedisServerExtension}. Not thread-safe. */
    public static final class Builder {
        private final List<String> config = new ArrayList<>();

        /** Sets {@code requirepass} for the default user. */
        public Builder password(String password) {
            config.add("requirepass " + password);
            return this;
        }

        /**
         * Adds an ACL user, e.g. {@code aclUser("app", "pw", "~app:* +@read +@write")}.
         */
        public Builder aclUser(String name, String password, String rules) {
            config.add("user " + name + " on >" + password + " " + rules);
            return this;
        }

        /** Adds a raw {@code redis.conf} line. */
        public Builder config(String line) {
            config.add(line);
            return this;
        }

        public RedisServerExtension build() {
            return new RedisServerExtension(config);
        }
    }
}
