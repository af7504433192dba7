package dev.redisconnector.core.internal;

import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.spi.RedisService;

/** What a connection was opened for: a change of any part means a new connection. */
record Versions(String serviceId, long serviceVersion, long credentialsVersion) {

    static Versions of(ExecutionTarget target) {
        RedisService service = target.service();
        return new Versions(service.serviceId(), service.version(), target.credentials().version());
    }
}
