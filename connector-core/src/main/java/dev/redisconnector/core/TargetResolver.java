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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
        return ErrorHandling.then(ErrorHandling.registryStep(Step.SERVICE, () -> serviceRegistry.findService(clientId)),
                found -> withService(session, found.orElseThrow(() -> new ConnectorException(
                        ErrorCode.NO_REDIS_SERVICE, "No Redis service exists for client '" + clientId + "'.")),
                        scripts));
    }

    private CompletionStage<Resolved> withService(Session session, RedisService service, boolean scripts) {
        return ErrorHandling.then(ErrorHandling.registryStep(Step.CREDENTIALS,
                () -> credentialStore.findCredentials(service)), stored -> withTarget(session,
                new ExecutionTarget(service, found(stored, service)), scripts));
    }

    private static RedisCredentials found(Optional<RedisCredentials> stored, RedisService service) {
        return stored.orElseThrow(() -> new ConnectorException(ErrorCode.NO_CREDENTIALS,
                "No credentials are stored for the Redis service of client '" + service.clientId() + "'."));
    }

    private CompletionStage<Resolved> withTarget(Session session, ExecutionTarget target, boolean scripts) {
        if (!policyNeedsCatalog && !session.readOnly()) {
            return CompletableFuture.completedFuture(new Resolved(target, CommandCatalog.EMPTY,
                    ScriptConfinement.NOT_VERIFIED));
        }
        CompletionStage<CommandCatalog> catalog = commandExecutor.catalog(target);
        if (!scripts || !target.service().policy().scripting()) {
            return ErrorHandling.then(catalog, loaded -> CompletableFuture.completedFuture(
                    new Resolved(target, loaded, ScriptConfinement.NOT_VERIFIED)));
        }
        return catalog.thenCompose(loaded -> scriptVerifier.verdict(target)
                .thenApply(verdict -> new Resolved(target, loaded, verdict)));
    }
}
