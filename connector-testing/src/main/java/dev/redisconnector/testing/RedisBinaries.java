package dev.redisconnector.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates the {@code redis-server} binary: {@code $REDIS_SERVER}, then the usual install paths, then {@code PATH}. */
final class RedisBinaries {

    private RedisBinaries() {
    }

    static String redisServer() {
        String fromEnv = System.getenv("REDIS_SERVER");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "redis-server";
    }
}
