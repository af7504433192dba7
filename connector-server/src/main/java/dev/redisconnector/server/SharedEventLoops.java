package dev.redisconnector.server;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Lets Lettuce run its Redis connections on Vert.x's event loops, so a request and its Redis round trip can stay
 * on one thread instead of hopping between two thread pools (measured: see bench/results/PROFILE.md). Vert.x owns
 * the loops: release and shutdown are no-ops. Thread-safe.
 */
final class SharedEventLoops implements EventLoopGroupProvider {

    private final EventLoopGroup group;
    private final int size;

    SharedEventLoops(EventLoopGroup group, int size) {
        this.group = group;
        this.size = size;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        return (T) group;
    }

    @Override
    public int threadPoolSize() {
        return size;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
