package dev.redisconnector.core.execution;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.internal.LettuceCommandExecutor;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Creates the connector's {@link CommandExecutor}, built on Lettuce: standalone, through Sentinel, or on a Redis
 * Cluster, with the host policy checked on every address a connection resolves.
 *
 * <pre>{@code
 * CommandExecutor executor = LettuceExecutors.create(options);
 * }</pre>
 */
public final class LettuceExecutors {

    private LettuceExecutors() {
    }

    /** An executor with its own Netty resources and the default connection provider. */
    public static CommandExecutor create(ConnectorOptions options) {
        return LettuceCommandExecutor.create(options);
    }

    /**
     * An executor on shared Netty resources (built with {@link #configure}; the caller closes them). Each distinct
     * value of {@code laneSelector} (evaluated on the calling thread) gets its own connection per service: a server
     * whose event loops run both HTTP and Redis uses the event loop's index, so a request never leaves its thread.
     *
     * @param provider which connection a command runs on; {@code null} for the default (shared, multiplexed)
     */
    public static CommandExecutor create(ConnectorOptions options, ClientResources resources,
                                         IntSupplier laneSelector, ConnectionProvider provider) {
        return LettuceCommandExecutor.create(options, resources, laneSelector, provider);
    }

    /**
     * Prepares Netty resources for an executor: the host policy on every address a connection resolves (SSRF
     * protection), the guard that keeps huge values out of memory, then {@code extra} on each channel; a timer for
     * the commands' timeouts with a 10 ms tick (finished commands leave it soon). Resources given to an executor must
     * be built this way; the executor refuses others. Release them with {@link #shutdown(ClientResources)}.
     */
    public static ClientResources.Builder configure(ClientResources.Builder builder, ConnectorOptions options,
                                                    Consumer<Channel> extra) {
        return LettuceCommandExecutor.configure(builder, options, extra);
    }

    /** The Netty customizer every connection of the connector needs, followed by {@code extra} when given. */
    public static NettyCustomizer nettyCustomizer(ConnectorOptions options, Consumer<Channel> extra) {
        return LettuceCommandExecutor.nettyCustomizer(options, extra);
    }

    /** Releases resources built with {@link #configure}: their event loops and their timer. */
    public static void shutdown(ClientResources resources) {
        LettuceCommandExecutor.shutdown(resources);
    }
}
