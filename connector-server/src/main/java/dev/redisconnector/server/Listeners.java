package dev.redisconnector.server;

import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.lang.reflect.Field;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the listening socket of the HTTP servers and nothing else, for a shutdown that loses no request behind a
 * load balancer: new connections are refused (a balancer retries those elsewhere, since nothing was sent), while the
 * connections already open finish their requests. Vert.x has no public call for this (its shutdown also closes idle
 * connections at once, under a request that may be on its way), so this reaches the listening channel through Vert.x's
 * own fields; when a Vert.x version moves them it logs once and answers {@code false}, and the caller shuts down the
 * usual way. {@code MultiInstanceIT} (a rolling restart under load with no failed request) guards it.
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private Listeners() {
    }

    /** Closes the listening sockets; {@code true} when they are closed (or were), {@code false} when it could not. */
    static boolean close(List<HttpServer> servers) {
        try {
            for (HttpServer server : servers) {
                Object tcpServer = field(server, "tcpServer");
                Object actual = field(tcpServer, "actualServer");
                Future<?> bound = (Future<?>) field(actual, "bindFuture");
                if (bound != null && bound.succeeded() && bound.result() instanceof Channel channel) {
                    channel.close().syncUninterruptibly();
                }
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot close the listening socket alone ({}); idle connections close with the server",
                    e.getClass().getSimpleName());
            return false;
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }
}
