package dev.redisconnector.bench;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.execution.ConnectionProvider;
import dev.redisconnector.core.execution.ExecutionTarget;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's naive baseline, plugged into the server with {@code RC_CONNECTIONS=per-request} (this class on the
 * class path): every command opens a new Redis connection (host policy, TLS and AUTH included) and closes it once
 * answered, as a connector without connection reuse would. Never used in production.
 */
public final class PerRequestConnections implements ConnectionProvider {

    private final AtomicLong open = new AtomicLong();

    /** Registered in {@code META-INF/services}; chosen by name. */
    public static final class Factory implements ConnectionProvider.Factory {
        @Override
        public String name() {
            return "per-request";
        }

        @Override
        public ConnectionProvider create(ConnectorOptions options) {
            return new PerRequestConnections();
        }
    }

    @Override
    public CompletableFuture<Connection> acquire(ExecutionTarget target, Opener opener) {
        open.incrementAndGet();
        return opener.open(target).whenComplete((connection, failure) -> {
            if (failure != null) {
                open.decrementAndGet();
            }
        });
    }

    @Override
    public boolean wantsRelease() {
        return true;
    }

    @Override
    public void release(Connection connection) {
        connection.close();
        open.decrementAndGet();
    }

    @Override
    public long size() {
        return open.get();
    }
}
