package dev.redisconnector.server;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Keeps a request and its Redis connection on one event loop: {@link #lane()} is the index of the event loop the
 * caller runs on (0 elsewhere), and {@link #pinnedGroup()} is the Vert.x event loop group whose {@code next()}
 * returns the caller's own loop, so a connection opened from loop i is served by loop i. Thread-safe.
 */
final class EventLoopAffinity implements IntSupplier {

    private static final ThreadLocal<Integer> LANE = new ThreadLocal<>();

    private final EventLoopGroup group;
    private final List<EventLoop> loops = new ArrayList<>();

    EventLoopAffinity(EventLoopGroup group) {
        this.group = group;
        int index = 0;
        for (EventExecutor executor : group) {
            int lane = index++;
            loops.add((EventLoop) executor);
            try {
                executor.submit(() -> LANE.set(lane)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not index the event loops", e);
            }
        }
    }

    /** The caller's event loop index, or 0 off the event loops. */
    @Override
    public int getAsInt() {
        Integer lane = LANE.get();
        return lane == null ? 0 : lane;
    }

    int size() {
        return loops.size();
    }

    /** The group to hand Lettuce: registering a channel from event loop i puts it on loop i. */
    EventLoopGroup pinnedGroup() {
        return (EventLoopGroup) Proxy.newProxyInstance(EventLoopGroup.class.getClassLoader(),
                new Class<?>[] {EventLoopGroup.class}, (proxy, method, args) -> {
                    boolean pick = method.getName().equals("next") && (args == null || args.length == 0)
                            || method.getName().equals("register");
                    try {
                        if (pick) {
                            Integer lane = LANE.get();
                            EventLoop loop = lane == null ? group.next() : loops.get(lane);
                            return method.getName().equals("next") ? loop : method.invoke(loop, args);
                        }
                        return method.invoke(group, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
