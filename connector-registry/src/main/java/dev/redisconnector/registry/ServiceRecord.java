package dev.redisconnector.registry;

import dev.redisconnector.core.spi.RedisService;
import java.time.Instant;

/**
 * A registered service as the admin API shows it. Immutable.
 *
 * @param service   the service as the pipeline uses it
 * @param createdAt when the client's service was first registered
 * @param updatedAt when it last changed
 */
public record ServiceRecord(RedisService service, Instant createdAt, Instant updatedAt) {

    /** The definition part (what an operator set). */
    public ServiceDefinition definition() {
        return new ServiceDefinition(service.mode(), service.host(), service.port(), service.database(),
                service.tls(), service.connectTimeout(), service.commandTimeout(), service.masterName(),
                service.nodes(), service.policy());
    }
}
