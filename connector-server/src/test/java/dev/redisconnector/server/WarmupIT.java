package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The start-up warm-up ({@code RC_WARMUP}) runs the request path before the server is ready, and its own failed
 * authentications never count against the loopback address (a strict throttle here: 5 a minute).
 */
class WarmupIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    /** Full collections so far (G1's "G1 Old Generation" collector counts them; other collectors' names differ). */
    private static long fullCollections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> gc.getName().contains("Old") || gc.getName().contains("MarkSweep"))
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    @Test
    void theRequestPathRunsBeforeReadyAndTheWarmupNeverTripsTheThrottle() throws Exception {
        long fullCollections = fullCollections();
        try (ConnectorServerExtension server = ConnectorServerExtension.start(Files.createTempDirectory("warm"),
                Map.of("RC_WARMUP", "true", "RC_AUTH_FAILURES_PER_MINUTE", "5"))) {
            assertThat(server.http.send("GET", "/health/ready", null, (String) null).status()).isEqualTo(200);
            assertThat(fullCollections()).as("the warm-up ends with a full collection (start-up objects leave the"
                    + " young generation)").isGreaterThan(fullCollections);
            String metrics = server.http.send("GET", "/metrics", null, (String) null).body();
            double unauthorized = ObservabilityIT.sample(metrics, "rc_http_requests_seconds_count",
                    "endpoint=\"execute\",instance=") ;
            assertThat(metrics).contains("status=\"401\"");
            assertThat(unauthorized).as("warm-up requests on the execute path").isGreaterThanOrEqualTo(1.0);
            String token = server.register("warm", REDIS);
            HttpTestClient.Response set = server.http.command(token, "SET", "warm:k", "v");
            assertThat(set.status()).as("loopback is not throttled after the warm-up's 401s: " + set.body())
                    .isEqualTo(200);
        }
    }
}
