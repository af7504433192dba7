package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.spi.RedisService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One {@link SentinelWatch} per client of a Sentinel service (for its current service and credentials version),
 * started on first use; the fence every command of such a service passes. Thread-safe.
 */
final class SentinelWatches implements AutoCloseable {

    private record Watched(Versions versions, SentinelWatch watch) {
    }

    private final Map<String, Watched> watches = new ConcurrentHashMap<>();
    private final BiConsumer<ExecutionTarget, SentinelWatch> subscribe;
    private final Consumer<String> onSwitch;

    /**
     * @param subscribe subscribes a new watch to the target's sentinels
     * @param onSwitch  closes a client's command connections once its master moved
     */
    SentinelWatches(BiConsumer<ExecutionTarget, SentinelWatch> subscribe, Consumer<String> onSwitch) {
        this.subscribe = subscribe;
        this.onSwitch = onSwitch;
    }

    /**
     * {@code REDIS_UNAVAILABLE} (not sent) while the target's master is being failed over, else {@code null}; for a
     * Sentinel service, starts watching its sentinels on first use.
     */
    ConnectorException fence(ExecutionTarget target) {
        RedisService service = target.service();
        if (service.mode() != RedisService.Mode.SENTINEL) {
            return null;
        }
        Versions versions = new Versions(service.serviceId(),
                service.version(), target.credentials().version());
        Watched watched = watches.get(service.clientId());
        if (watched == null || !watched.versions().equals(versions)) {
            watched = watches.compute(service.clientId(), (clientId, current) -> {
                if (current != null && current.versions().equals(versions)) {
                    return current;
                }
                if (current != null) {
                    current.watch().close();
                }
                SentinelWatch watch = new SentinelWatch(clientId, service.masterName(), () -> onSwitch.accept(clientId));
                subscribe.accept(target, watch);
                return new Watched(versions, watch);
            });
        }
        if (!watched.watch().fenced()) {
            return null;
        }
        return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "The sentinels of the Redis service of client '"
                + service.clientId() + "' are failing its master over; the command was not sent. Retry in a moment.");
    }

    /** Stops watching a client's sentinels (its service or credentials changed or were deleted). */
    void forget(String clientId) {
        Watched watched = watches.remove(clientId);
        if (watched != null) {
            watched.watch().close();
        }
    }

    @Override
    public void close() {
        watches.values().forEach(watched -> watched.watch().close());
        watches.clear();
    }
}
