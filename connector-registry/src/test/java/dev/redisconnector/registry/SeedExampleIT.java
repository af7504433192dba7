package dev.redisconnector.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.Encoding;
import dev.redisconnector.core.ExecuteRequest;
import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.execution.HostPolicy;
import dev.redisconnector.core.reply.ReplyValues;
import dev.redisconnector.registry.crypto.MasterKeys;
import dev.redisconnector.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The specification's example end to end: embedded registry, generated master key, a real password-protected Redis. */
class SeedExampleIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().password("acme-redis-pw").build();

    @TempDir
    Path dataDir;

    @Test
    void setOrderDeliveredReturnsOk() {
        try (Registry registry = Registry.open(RegistryConfig.embedded(dataDir),
                MasterKeys.load(null, null, null, dataDir));
             RedisConnector connector = RedisConnector.builder()
                     .sessionValidator(registry.sessions())
                     .serviceRegistry(registry.services())
                     .credentialStore(registry.credentials())
                     .options(ConnectorOptions.builder()
                             .hostPolicy(HostPolicy.ALLOW_LOOPBACK).build())
                     .build()) {
            registry.services().put("acme", ServiceDefinition.of("127.0.0.1", REDIS.port()));
            registry.credentials().setPassword("acme", null, "acme-redis-pw");
            String token = registry.sessions().create("alice", "acme", Duration.ofHours(1), false).token();

            Object output1 = ReplyValues.toJava(
                    connector.execute(ExecuteRequest.of(token, "SET", "order:12345", "delivered")), Encoding.UTF8);

            assertThat(output1).isEqualTo("OK");
            assertThat(REDIS.server().call("GET", "order:12345")).isEqualTo("delivered");
        }
    }
}
