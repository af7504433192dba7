package dev.redisconnector.core.execution;

import dev.redisconnector.core.ConnectorOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Which connection a command that does not block runs on: the executor asks the provider, runs the command on what it
 * gets, and hands the connection back. The default provider keeps one multiplexed connection per service version and
 * event loop, shared by every user of the client; another provider (e.g. the benchmark's connection per request) is
 * plugged in by name with {@link Factory} through {@link java.util.ServiceLoader}. Blocking commands, transactions
 * and subscriptions always get connections of their own; no provider sees them. Implementations are thread-safe.
 */
public interface ConnectionProvider extends AutoCloseable {

    /** An open connection, opaque outside the executor. */
    interface Connection {
        /** Closes the connection. */
        void close();
    }

    /** Opens a connection to a target with the executor's timeouts, host policy and TLS; fails with connector errors. */
    @FunctionalInterface
    interface Opener {
        CompletableFuture<Connection> open(ExecutionTarget target);
    }

    /** Creates a provider; registered in {@code META-INF/services/dev.redisconnector.core.execution.ConnectionProvider$Factory}. */
    interface Factory {
        /** The name operators choose it by ({@code RC_CONNECTIONS}). */
        String name();

        ConnectionProvider create(ConnectorOptions options);
    }

    /**
     * The connection to run the target's next command on: an open one, or one {@code opener} opens. The future fails
     * with the opener's connector errors.
     */
    CompletableFuture<Connection> acquire(ExecutionTarget target, Opener opener);

    /** Whether the executor must call {@link #release} after each command (a multiplexed provider does not care). */
    default boolean wantsRelease() {
        return false;
    }

    /** The command run on {@code connection} has completed (see {@link #wantsRelease()}). */
    default void release(Connection connection) {
    }

    /** Closes every connection of a client (its service or credentials changed, or its master moved). */
    default void closeClient(String clientId) {
    }

    /** Connections open or opening. */
    default long size() {
        return 0;
    }

    /** Connections open or opening, per client. */
    default Map<String, Integer> sizeByClient() {
        return Map.of();
    }

    /** Closes every connection. */
    @Override
    default void close() {
    }
}
