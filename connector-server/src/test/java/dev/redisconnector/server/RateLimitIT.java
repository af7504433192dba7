package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A per-client rate limit: 429 RATE_LIMITED with Retry-After, per client, and recovery. */
class RateLimitIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @Test
    void overTheLimitIs429WithRetryAfterAndOtherClientsAreUnaffected(@TempDir Path dir) throws Exception {
        try (ConnectorServer server = ConnectorServer.start(ServerConfig.load(Map.of("RC_PORT", "0",
                "RC_ALLOW_LOOPBACK", "true",
                "RC_DATA_DIR", dir.toString(), "RC_RATE_LIMIT_PER_CLIENT", "1", "RC_RATE_LIMIT_BURST", "3"), null))) {
            for (String client : new String[] {"busy", "quiet"}) {
                server.registry().services().put(client, ServiceDefinition.of("127.0.0.1", REDIS.port()));
                server.registry().credentials().setNone(client);
            }
            String busy = server.registry().sessions().create("u1", "busy", Duration.ofMinutes(5), false).token();
            String quiet = server.registry().sessions().create("u2", "quiet", Duration.ofMinutes(5), false).token();
            HttpTestClient http = new HttpTestClient(server.port());
            // a pipeline of three commands takes the whole burst at once
            String three = "{\"inputs\":{\"commands\":[{\"command\":\"PING\"},{\"command\":\"PING\"},"
                    + "{\"command\":\"PING\"}]}}";
            assertThat(http.send("POST", "/v1/redis/pipeline", busy, three).status()).isEqualTo(200);
            HttpTestClient.Response limited = http.command(busy, "PING");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
            assertThat(limited.errorStep()).isEqualTo("policy");
            assertThat(limited.errorMessage()).isEqualTo("Too many commands for client 'busy': the limit is 1 per"
                    + " second (bursts of 3); retry in 1 s.");
            assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
            assertThat(http.command(quiet, "PING").status()).isEqualTo(200);
            Thread.sleep(1100);
            assertThat(http.command(busy, "PING").status()).isEqualTo(200);
        }
    }
}
