package dev.redisconnector.core;

import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.policy.ScriptConfinement;
import dev.redisconnector.core.policy.ScriptVerifier;
import dev.redisconnector.core.spi.CredentialStore;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.core.spi.ServiceRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Steps 3 and 4, the one path every entry point takes: the session's service, its credentials, and what the policy
 * reads about the target (the server's command table; with scripts about to run on a service that allows them,
 * whether its Redis user confines them). Answers on the calling thread, without extra stages, while every lookup is
 * answered from memory. Thread-safe.
 */
final class TargetResolver {

    /** A session's target and what the policy reads about it. */
    record Resolved(ExecutionTarget target, CommandCatalog catalog, ScriptConfinement scripts) {

        RedisService service() {
            return target.service();
        }

        /** The command's classification by the target's command table (looked up once, here). */
        ClassifiedCommand classify(VerifiedCommand command) {
            return catalog.classify(command);
        }
    }

    private final ServiceRegistry serviceRegistry;
    private final CredentialStore credentialStore;
    private final CommandExecutor commandExecutor;
    private final ScriptVerifier scriptVerifier;
    private final boolean policyNeedsCatalog;

    TargetResolver(ServiceRegistry serviceRegistry, CredentialStore credentialStore, CommandExecutor commandExecutor,
                   ScriptVerifier scriptVerifier, boolean policyNeedsCatalog) {
        this.serviceRegistry = serviceRegistry;
        this.credentialStore = credentialStore;
        this.commandExecutor = commandExecutor;
        this.scriptVerifier = scriptVerifier;
        this.policyNeedsCatalog = policyNeedsCatalog;
    }

    /**
     * @param scripts whether a command about to run loads or runs a script (then, on a service that allows scripting,
     *                the confinement verdict is part of the answer)
     */
    CompletionStage<Resolved> resolve(Session session, boolean scripts) {
        String clientId = session.user().clientId();
        CompletableFuture<Optional<RedisService>> found =
                ErrorHandling.registryStep(Step.SERVICE, () -> serviceRegistry.findService(clientId));
        if (ErrorHandling.succeeded(found)) {
            // answered from memory: stay on this thread, without another stage (and never throw: fail the stage)
            try {
                return withService(session, service(found.join(), clientId), scripts);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return found.thenCompose(service -> withService(session, service(service, clientId), scripts));
    }

    private static RedisService service(Optional<RedisService> found, String clientId) {
        return found.orElseThrow(() -> new ConnectorException(ErrorCode.NO_REDIS_SERVICE,
                "No Redis service exists for client '" + clientId + "'."));
    }

    private CompletionStage<Resolved> withService(Session session, RedisService service, boolean scripts) {
        CompletableFuture<Optional<RedisCredentials>> stored =
                ErrorHandling.registryStep(Step.CREDENTIALS, () -> credentialStore.findCredentials(service));
        if (ErrorHandling.succeeded(stored)) {
            return withTarget(session, service, credentials(stored.join(), service), scripts);
        }
        return stored.thenCompose(found -> withTarget(session, service, credentials(found, service), scripts));
    }

    private static RedisCredentials credentials(Optional<RedisCredentials> stored, RedisService service) {
        return stored.orElseThrow(() -> new ConnectorException(ErrorCode.NO_CREDENTIALS,
                "No credentials are stored for the Redis service of client '" + service.clientId() + "'."));
    }

    /**
     * The command table, and the script verdict when a script is about to run. The answer for a client is kept while
     * the registry keeps handing out the same service and credentials (the same objects: its cache, refreshed every
     * {@code RC_CACHE_FRESH_MS}), so a request answered from memory allocates nothing here.
     */
    private CompletionStage<Resolved> withTarget(Session session, RedisService service, RedisCredentials credentials,
                                                 boolean scripts) {
        boolean needsCatalog = policyNeedsCatalog || session.readOnly();
        boolean verdict = needsCatalog && scripts && service.policy().scripting();
        if (!verdict) {
            CompletableFuture<Resolved> known = recent.get(service.clientId());
            Resolved resolved = known == null ? null : known.getNow(null);
            if (resolved != null && resolved.target().service() == service
                    && resolved.target().credentials() == credentials
                    && (!needsCatalog || resolved.catalog() != CommandCatalog.EMPTY)) {
                return known;
            }
        }
        ExecutionTarget target = new ExecutionTarget(service, credentials);
        if (!needsCatalog) {
            return remember(new Resolved(target, CommandCatalog.EMPTY, ScriptConfinement.NOT_VERIFIED));
        }
        CompletableFuture<CommandCatalog> catalog = commandExecutor.catalog(target).toCompletableFuture();
        if (verdict) {
            return catalog.thenCompose(loaded -> scriptVerifier.verdict(target)
                    .thenApply(confinement -> new Resolved(target, loaded, confinement)));
        }
        if (ErrorHandling.succeeded(catalog)) {
            return remember(new Resolved(target, catalog.join(), ScriptConfinement.NOT_VERIFIED));
        }
        return catalog.thenApply(loaded -> new Resolved(target, loaded, ScriptConfinement.NOT_VERIFIED));
    }

    private CompletableFuture<Resolved> remember(Resolved resolved) {
        CompletableFuture<Resolved> done = CompletableFuture.completedFuture(resolved);
        recent.put(resolved.service().clientId(), done);
        return done;
    }

    /** The last answer per client (see {@link #withTarget}); one entry per client that ran a command. */
    private final Map<String, CompletableFuture<Resolved>> recent = new ConcurrentHashMap<>();
}
