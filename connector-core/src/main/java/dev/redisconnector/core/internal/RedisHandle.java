package dev.redisconnector.core.internal;

import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.execution.ConnectionProvider;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.api.StatefulConnection;
import java.util.concurrent.TimeUnit;

/**
 * One open connection to a service (standalone, through sentinels, or to a cluster), with the client that exists
 * only for it (a service with its own TLS material, or a cluster) and, for a cluster, the server's command table.
 */
record RedisHandle(StatefulConnection<byte[], byte[]> connection, AbstractRedisClient ownClient,
                   CommandCatalog commandTable) implements ConnectionProvider.Connection {

    /** Whether commands must be routed by key. */
    boolean isCluster() {
        return commandTable != null;
    }

    /** Closes the connection and, when it has one, its own client. */
    @Override
    public void close() {
        connection.closeAsync().whenComplete((ignored, failure) -> {
            if (ownClient != null) {
                ownClient.shutdownAsync(0, 2, TimeUnit.SECONDS);
            }
        });
    }
}
