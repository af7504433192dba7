package dev.redisconnector.core.internal;

import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.pubsub.MessageListener;
import dev.redisconnector.core.pubsub.Subscription;
import dev.redisconnector.core.spi.RedisService;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Subscriptions, each on a pub/sub connection of its own (never a shared one). Stateless. */
final class PubSubConnections {

    private PubSubConnections() {
    }

    /**
     * Subscribes to {@code channels} (or patterns); the stage completes once Redis confirmed the subscription and
     * fails with the codes of a command. {@code openStreams} counts the subscriptions open.
     */
    static CompletableFuture<Subscription> subscribe(ConnectionOpener opener, ExecutionTarget target,
                                                     List<byte[]> channels, boolean pattern,
                                                     MessageListener listener, Duration connectTimeout,
                                                     Duration timeout, AtomicInteger openStreams) {
        RedisService service = target.service();
        CompletableFuture<ConnectionOpener.PubSubHandle> opened;
        try {
            opened = opener.openPubSub(target);
        } catch (RuntimeException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Subscription> result = new CompletableFuture<>();
        opened.whenComplete((handle, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ExecutionErrors.connectFailure(failure, service.clientId(),
                        connectTimeout));
                return;
            }
            openStreams.incrementAndGet();
            handle.connection().addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    listener.message(null, channel, message);
                }

                @Override
                public void message(byte[] patternBytes, byte[] channel, byte[] message) {
                    listener.message(patternBytes, channel, message);
                }

                @Override
                public void subscribed(byte[] channel, long count) {
                    listener.subscribed(channel, false, count);
                }

                @Override
                public void psubscribed(byte[] patternBytes, long count) {
                    listener.subscribed(patternBytes, true, count);
                }
            });
            AtomicBoolean closed = new AtomicBoolean();
            Subscription subscription = () -> {
                if (closed.compareAndSet(false, true)) {
                    openStreams.decrementAndGet();
                    handle.close();
                }
            };
            byte[][] names = channels.toArray(byte[][]::new);
            RedisFuture<Void> subscribed = pattern ? handle.connection().async().psubscribe(names)
                    : handle.connection().async().subscribe(names);
            subscribed.toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((ignored, error) -> {
                        if (error == null) {
                            if (!result.complete(subscription)) {
                                subscription.close();
                            }
                        } else {
                            subscription.close();
                            result.completeExceptionally(ExecutionErrors.commandFailure(error, service.clientId(),
                                    timeout));
                        }
                    });
        });
        return result;
    }
}
