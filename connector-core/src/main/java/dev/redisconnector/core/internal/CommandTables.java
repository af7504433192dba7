package dev.redisconnector.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.spi.RedisService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers' command tables ({@code COMMAND}), cached: shared by every service on the same server (1,000 tenants on
 * one Redis load and keep it once), re-read every 10 minutes (a module may have been loaded), loaded once for
 * concurrent first requests of a service, and empty (never shared) for a service whose user may not run
 * {@code COMMAND}. Thread-safe.
 */
final class CommandTables {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTables.class);
    private static final long MAX_TABLE_BYTES = 64L * 1024 * 1024;

    /** One server (or sentinel group, or cluster), whose command table every service on it shares. */
    record ServerKey(RedisService.Mode mode, String host, int port, String masterName,
                     List<RedisService.Address> nodes) {
    }

    /** One version of one client's service. */
    record TenantKey(String clientId, Versions versions) {
    }

    private final Function<ExecutionTarget, CompletableFuture<RedisHandle>> connections;
    private final Function<RedisService, Duration> commandTimeout;
    private final Cache<ServerKey, CommandCatalog> shared;
    private final Cache<TenantKey, Boolean> denied;
    private final Map<TenantKey, CompletableFuture<CommandCatalog>> loading = new ConcurrentHashMap<>();

    /**
     * @param connections    the shared connection of a target (the table is read on it)
     * @param commandTimeout a service's command timeout (the table gets twice that)
     */
    CommandTables(Function<ExecutionTarget, CompletableFuture<RedisHandle>> connections,
                  Function<RedisService, Duration> commandTimeout) {
        this.connections = connections;
        this.commandTimeout = commandTimeout;
        this.shared = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10)).maximumSize(10_000)
                .executor(Runnable::run).build();
        this.denied = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10)).maximumSize(100_000)
                .executor(Runnable::run).build();
    }

    /** The table of the target's server. */
    CompletableFuture<CommandCatalog> of(ExecutionTarget target) {
        RedisService service = target.service();
        TenantKey tenant = new TenantKey(service.clientId(), new Versions(service.serviceId(),
                service.version(), target.credentials().version()));
        if (denied.getIfPresent(tenant) != null) {
            return CompletableFuture.completedFuture(CommandCatalog.EMPTY);
        }
        ServerKey server = new ServerKey(service.mode(), service.host(), service.port(), service.masterName(),
                service.nodes());
        CommandCatalog known = shared.getIfPresent(server);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<CommandCatalog> running = loading.get(tenant);
        if (running != null) {
            return running;
        }
        CompletableFuture<CommandCatalog> mine = new CompletableFuture<>();
        running = loading.putIfAbsent(tenant, mine);
        if (running != null) {
            return running;
        }
        load(target, server, tenant).whenComplete((catalog, failure) -> {
            loading.remove(tenant, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(catalog);
            }
        });
        return mine;
    }

    private CompletableFuture<CommandCatalog> load(ExecutionTarget target, ServerKey server, TenantKey tenant) {
        RedisService service = target.service();
        return connections.apply(target)
                .thenCompose(handle -> handle.isCluster() ? CompletableFuture.completedFuture(handle.commandTable())
                        : Dispatch.send(handle.connection(), new VerifiedCommand("COMMAND", List.of()),
                                -1, commandTimeout.apply(service).multipliedBy(2), service.clientId(),
                                MAX_TABLE_BYTES).thenApply(CommandCatalog::parse))
                .handle((catalog, failure) -> {
                    if (failure == null) {
                        shared.put(server, catalog);
                        return catalog;
                    }
                    Throwable cause = ConnectorException.unwrap(failure);
                    if (cause instanceof ConnectorException e && e.code() == ErrorCode.REDIS_ERROR) {
                        // an ACL user may not run COMMAND: classify nothing for this service (restrictive
                        // policies then refuse what they cannot classify; the user's ACL still applies)
                        LOG.info("command table unavailable client={} reason={}", service.clientId(), e.getMessage());
                        denied.put(tenant, Boolean.TRUE);
                        return CommandCatalog.EMPTY;
                    }
                    throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
                });
    }

    /** Forgets a client's refusals (its service or credentials changed). */
    void forgetClient(String clientId) {
        denied.asMap().keySet().removeIf(key -> key.clientId().equals(clientId));
    }
}
