package dev.redisconnector.core;

import dev.redisconnector.core.command.BlockTime;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.CommandVerifier;
import dev.redisconnector.core.command.ConnectionSafety;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.execution.LettuceCommandExecutor;
import dev.redisconnector.core.policy.PolicyEnforcer;
import dev.redisconnector.core.policy.ScriptConfinement;
import dev.redisconnector.core.policy.ScriptVerifier;
import dev.redisconnector.core.policy.Scripts;
import dev.redisconnector.core.pubsub.MessageListener;
import dev.redisconnector.core.pubsub.Subscription;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.spi.CommandPolicy;
import dev.redisconnector.core.spi.CredentialStore;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.core.spi.ServiceRegistry;
import dev.redisconnector.core.spi.SessionValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a logged-in user's Redis command against the Redis service registered for the user's client.
 *
 * <p>The pipeline, in order: 1 session validation ({@link SessionValidator}), 2 command verification
 * ({@link CommandVerifier}, with the connection-safety refusals), 3 service lookup ({@link ServiceRegistry}),
 * 4 credential retrieval ({@link CredentialStore}), 2b command policy ({@link CommandPolicy}; it reads the service's
 * command table, so it runs once the service is known, before anything is sent), 5 execution
 * ({@link CommandExecutor}). Every failure is a {@link ConnectorException} naming its code and step.
 *
 * <pre>{@code
 * RedisConnector connector = RedisConnector.builder()
 *         .sessionValidator(sessions).serviceRegistry(services).credentialStore(credentials)
 *         .build();
 * Reply output1 = connector.execute(ExecuteRequest.of(token, "SET", "order:12345", "delivered"));
 * }</pre>
 *
 * <p>Thread-safe; build one per application and {@link #close()} it on shutdown. When every lookup is answered from
 * memory, {@link #executeAsync} does no blocking work on the calling thread.
 */
public final class RedisConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

    private final SessionValidator sessionValidator;
    private final CommandVerifier commandVerifier;
    private final CommandPolicy commandPolicy;
    private final ServiceRegistry serviceRegistry;
    private final CredentialStore credentialStore;
    private final CommandExecutor commandExecutor;
    private final ConnectorOptions options;
    private final RateLimiter rateLimiter;
    private final CommandListener listener;
    private final ScriptVerifier scriptVerifier;

    private RedisConnector(Builder builder) {
        this.sessionValidator = Objects.requireNonNull(builder.sessionValidator, "sessionValidator");
        this.serviceRegistry = Objects.requireNonNull(builder.serviceRegistry, "serviceRegistry");
        this.credentialStore = Objects.requireNonNull(builder.credentialStore, "credentialStore");
        this.options = builder.options;
        this.commandPolicy = builder.commandPolicy;
        this.commandVerifier = builder.commandVerifier != null ? builder.commandVerifier
                : new CommandVerifier(options.maxArguments(), options.maxCommandBytes(), options.maxArgumentBytes());
        this.commandExecutor = builder.commandExecutor != null ? builder.commandExecutor
                : new LettuceCommandExecutor(options);
        this.listener = builder.listener;
        this.scriptVerifier = new ScriptVerifier(commandExecutor, options.commandTimeout().multipliedBy(2),
                ScriptVerifier.DEFAULT_RECHECK);
        this.rateLimiter = options.rateLimitPerSecond() > 0
                ? new RateLimiter(options.rateLimitPerSecond(), options.rateLimitBurst()) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the request and waits for the reply.
     *
     * @return the reply ({@code output1})
     * @throws ConnectorException with the code and step of the failure
     */
    public Reply execute(ExecuteRequest request) {
        try {
            return executeAsync(request).toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw asConnectorException(e.getCause(), Step.EXECUTION);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException(ErrorCode.INTERNAL, Step.EXECUTION, "Interrupted while waiting for Redis.", e);
        }
    }

    /**
     * Runs the request without blocking.
     *
     * @return a stage with the reply, failed with a {@link ConnectorException} on error (never another type)
     */
    public CompletionStage<Reply> executeAsync(ExecuteRequest request) {
        Objects.requireNonNull(request, "request");
        return settle(authenticate(request.sessionToken())
                .thenCompose(session -> executeAsync(session, request.inputs(), request.options())));
    }

    /**
     * Step 1 alone: validates a session token.
     *
     * @return a stage with the live session, failed with {@code NOT_LOGGED_IN} or {@code REGISTRY_UNAVAILABLE}
     */
    public CompletionStage<Session> authenticate(String sessionToken) {
        if (sessionToken == null || sessionToken.isBlank()) {
            return CompletableFuture.failedFuture(ConnectorException.notLoggedIn());
        }
        CompletionStage<Optional<Session>> validated = step(Step.SESSION, () -> sessionValidator.validate(sessionToken));
        CompletableFuture<Optional<Session>> future = validated.toCompletableFuture();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            Optional<Session> session = future.join();
            return session.isPresent() ? CompletableFuture.completedFuture(session.get())
                    : CompletableFuture.failedFuture(ConnectorException.notLoggedIn());
        }
        return settle(future.thenApply(session -> session.orElseThrow(ConnectorException::notLoggedIn)));
    }

    /**
     * Steps 2 to 5 for a session the caller already validated (with {@link #authenticate} or its own login).
     *
     * @return a stage with the reply, failed with a {@link ConnectorException} on error (never another type)
     */
    public CompletionStage<Reply> executeAsync(Session session, Inputs inputs, ExecuteOptions requestOptions) {
        Objects.requireNonNull(session, "session");
        CommandTrace trace = listener == null ? null : new CommandTrace(listener, session, inputs.command());
        CompletionStage<Reply> result;
        try {
            VerifiedCommand command = commandVerifier.verify(inputs, requestOptions.encoding());
            if (trace != null) {
                trace.verified = command;
            }
            if (rateLimiter != null) {
                rateLimiter.acquire(session.user().clientId(), 1);
            }
            result = settle(lookUp(session, command, requestOptions, trace));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(asConnectorException(e, Step.COMMAND));
        }
        if (trace != null) {
            result.whenComplete(trace::finish);
        }
        return result;
    }

    /** Default and largest number of commands in one pipeline: {@value}. */
    public static final int MAX_PIPELINE_COMMANDS = 1000;

    /**
     * Runs several commands in order on the client's connection, not atomically: each is verified and checked
     * against the policy on its own, and each gets its reply or its error. Steps 3 and 4 run once.
     *
     * @return a stage with one result per command, in order; it fails (with a {@link ConnectorException}) only when
     *         the whole pipeline cannot run: not logged in, too many commands, no service, no credentials
     */
    public CompletionStage<List<PipelineResult>> executePipelineAsync(Session session, List<Inputs> commands,
                                                                      ExecuteOptions requestOptions) {
        Objects.requireNonNull(session, "session");
        if (commands == null || commands.isEmpty()) {
            return CompletableFuture.failedFuture(ConnectorException.invalidRequest(
                    "inputs.commands must hold at least one command."));
        }
        if (commands.size() > MAX_PIPELINE_COMMANDS) {
            return CompletableFuture.failedFuture(ConnectorException.invalidRequest("inputs.commands has "
                    + commands.size() + " commands; the limit is " + MAX_PIPELINE_COMMANDS + "."));
        }
        String clientId = session.user().clientId();
        if (rateLimiter != null) {
            try {
                rateLimiter.acquire(clientId, commands.size());
            } catch (ConnectorException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CommandTrace.Batch batch = listener == null ? null : new CommandTrace.Batch(listener, session, commands);
        CompletionStage<List<PipelineResult>> results = resolve(session, true)
                .thenCompose(resolved -> {
                    if (batch != null) {
                        batch.catalog = resolved.catalog();
                    }
                    return runPipeline(session, resolved, commands, requestOptions, batch);
                });
        if (batch != null) {
            results.whenComplete(batch::finish);
        }
        return settle(results);
    }

    private CompletionStage<List<PipelineResult>> runPipeline(Session session, Resolved resolved,
                                                              List<Inputs> commands, ExecuteOptions requestOptions,
                                                              CommandTrace.Batch batch) {
        ExecutionTarget target = resolved.target();
        CommandCatalog catalog = resolved.catalog();
        PipelineResult[] results = new PipelineResult[commands.size()];
        List<VerifiedCommand> toSend = new ArrayList<>(commands.size());
        List<Integer> positions = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            try {
                VerifiedCommand command = commandVerifier.verify(commands.get(i), requestOptions.encoding());
                if (batch != null) {
                    batch.verified[i] = command;
                }
                command = checkPolicy(session, target.service(), command, catalog, resolved.scripts());
                if (ConnectionSafety.isBlocking(command, catalog)) {
                    throw new ConnectorException(ErrorCode.COMMAND_NOT_ALLOWED, command.name() + " is not allowed"
                            + " in a pipeline: blocking commands run alone through the execute endpoint, on a"
                            + " dedicated connection.");
                }
                toSend.add(command);
                positions.add(i);
            } catch (RuntimeException e) {
                results[i] = new PipelineResult(null, asConnectorException(e, Step.COMMAND));
            }
        }
        Duration timeout = effectiveTimeout(target.service(), requestOptions);
        return commandExecutor.executeAll(target, toSend, timeout).thenCompose(outcomes -> {
            CompletableFuture<?>[] all = new CompletableFuture<?>[outcomes.size()];
            for (int k = 0; k < outcomes.size(); k++) {
                int position = positions.get(k);
                all[k] = outcomes.get(k).toCompletableFuture().handle((reply, failure) -> {
                    results[position] = failure == null ? new PipelineResult(reply, null)
                            : new PipelineResult(null, asConnectorException(failure, Step.EXECUTION));
                    return null;
                });
            }
            return CompletableFuture.allOf(all).thenApply(ignored -> List.of(results));
        });
    }

    /** Most commands in one transaction: {@value}. */
    public static final int MAX_TRANSACTION_COMMANDS = 1000;

    /**
     * Runs commands as one transaction ({@code MULTI}/{@code EXEC}) on a dedicated connection, after
     * {@code WATCH} of the keys in {@code watch} (strings, or numbers; decoded like arguments). Every command is
     * verified and checked against the policy first (watched keys
     * count as read keys); when any is refused nothing is sent and the error names it. Other users' commands never
     * land inside the transaction, and no two transactions interleave.
     *
     * @return a stage with one result per command (a command Redis failed at run time, e.g. {@code WRONGTYPE}, has
     *         its error; the others still ran, as Redis transactions do); it fails with {@code TRANSACTION_ABORTED}
     *         when a watched key changed, {@code REDIS_ERROR} when Redis discarded the transaction
     *         ({@code EXECABORT}, naming the command), {@code POOL_EXHAUSTED}, or any pipeline failure
     */
    public CompletionStage<List<PipelineResult>> executeTransactionAsync(Session session, List<Inputs> commands,
                                                                        List<?> watch,
                                                                        ExecuteOptions requestOptions) {
        Objects.requireNonNull(session, "session");
        List<byte[]> watched;
        try {
            // the keys are arguments like any other (same types, limits and encoding)
            watched = watch == null || watch.isEmpty() ? List.of() : commandVerifier.verify(
                    new Inputs("EXISTS", List.copyOf(watch)), requestOptions.encoding()).args();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(asConnectorException(e, Step.COMMAND).prefixed("inputs.watch: "));
        }
        if (commands == null || commands.isEmpty()) {
            return CompletableFuture.failedFuture(ConnectorException.invalidRequest(
                    "inputs.commands must hold at least one command."));
        }
        if (commands.size() > MAX_TRANSACTION_COMMANDS) {
            return CompletableFuture.failedFuture(ConnectorException.invalidRequest("inputs.commands has "
                    + commands.size() + " commands; the limit is " + MAX_TRANSACTION_COMMANDS + "."));
        }
        List<VerifiedCommand> verified = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            try {
                verified.add(commandVerifier.verify(commands.get(i), requestOptions.encoding()));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(asConnectorException(e, Step.COMMAND)
                        .prefixed("inputs.commands[" + i + "]: "));
            }
        }
        String clientId = session.user().clientId();
        if (rateLimiter != null) {
            try {
                rateLimiter.acquire(clientId, commands.size());
            } catch (ConnectorException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CommandTrace.Batch batch = listener == null ? null : new CommandTrace.Batch(listener, session, commands);
        if (batch != null) {
            for (int i = 0; i < verified.size(); i++) {
                batch.verified[i] = verified.get(i);
            }
        }
        CompletionStage<List<PipelineResult>> results = resolve(session, true).thenCompose(resolved -> {
            if (batch != null) {
                batch.catalog = resolved.catalog();
            }
            RedisService service = resolved.target().service();
            for (int i = 0; i < verified.size(); i++) {
                try {
                    verified.set(i, checkPolicy(session, service, verified.get(i), resolved.catalog(),
                            resolved.scripts()));
                } catch (ConnectorException e) {
                    throw e.prefixed("inputs.commands[" + i + "]: ");
                }
            }
            if (!watched.isEmpty()) {
                // watching a key reads it: the policy checks the keys as it would for EXISTS
                try {
                    checkPolicy(session, service, new VerifiedCommand("EXISTS", watched), resolved.catalog(),
                            resolved.scripts());
                } catch (ConnectorException e) {
                    throw e.prefixed("inputs.watch: ");
                }
            }
            return commandExecutor.executeTransaction(resolved.target(), watched, verified,
                    effectiveTimeout(service, requestOptions));
        });
        if (batch != null) {
            results.whenComplete(batch::finish);
        }
        return settle(results);
    }

    /** Most channels or patterns in one subscription: {@value}. */
    public static final int MAX_SUBSCRIPTION_CHANNELS = 100;

    /**
     * Subscribes to channels ({@code SUBSCRIBE}) or patterns ({@code PSUBSCRIBE}) on a connection of its own, never
     * the shared one. The service's policy applies as to a {@code SUBSCRIBE} command (a key namespace covers the
     * channels and patterns); read-only sessions may subscribe.
     *
     * @param channels channel names or patterns (strings; at least one, at most {@value #MAX_SUBSCRIPTION_CHANNELS})
     * @return a stage with the open subscription once Redis confirmed it; close it to end it
     */
    public CompletionStage<Subscription> subscribeAsync(
            Session session, List<String> channels, boolean pattern,
            MessageListener listener) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(listener, "listener");
        if (channels == null || channels.isEmpty()) {
            return CompletableFuture.failedFuture(ConnectorException.invalidRequest("Name at least one "
                    + (pattern ? "pattern" : "channel") + "."));
        }
        if (channels.size() > MAX_SUBSCRIPTION_CHANNELS) {
            return CompletableFuture.failedFuture(ConnectorException.invalidRequest("At most "
                    + MAX_SUBSCRIPTION_CHANNELS + " channels or patterns per subscription."));
        }
        String name = pattern ? "PSUBSCRIBE" : "SUBSCRIBE";
        VerifiedCommand command;
        try {
            command = new VerifiedCommand(name, commandVerifier.verify(new Inputs("EXISTS", List.copyOf(channels)),
                    Encoding.UTF8).args());
            if (rateLimiter != null) {
                rateLimiter.acquire(session.user().clientId(), 1);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(asConnectorException(e, Step.COMMAND));
        }
        return settle(resolve(session, false).thenCompose(resolved -> {
            checkPolicy(session, resolved.target().service(), command, resolved.catalog(), resolved.scripts());
            return commandExecutor.subscribe(resolved.target(), command.args(), pattern, listener);
        }));
    }

    /**
     * Steps 3 and 4 for a whole pipeline or transaction, the command table when the policy needs it, and with
     * {@code scripts} whether the service's Redis user confines scripts (only for services that allow scripting).
     */
    private CompletionStage<Resolved> resolve(Session session, boolean scripts) {
        String clientId = session.user().clientId();
        return step(Step.SERVICE, () -> serviceRegistry.findService(clientId)).thenCompose(found -> {
            RedisService service = found.orElseThrow(() -> new ConnectorException(ErrorCode.NO_REDIS_SERVICE,
                    "No Redis service exists for client '" + clientId + "'."));
            return step(Step.CREDENTIALS, () -> credentialStore.findCredentials(service)).thenCompose(stored -> {
                RedisCredentials credentials = stored.orElseThrow(() -> new ConnectorException(
                        ErrorCode.NO_CREDENTIALS, "No credentials are stored for the Redis service of client '"
                        + clientId + "'."));
                ExecutionTarget target = new ExecutionTarget(service, credentials);
                if (!commandPolicy.needsCatalog() && !session.readOnly()) {
                    return CompletableFuture.completedFuture(new Resolved(target, CommandCatalog.EMPTY,
                            ScriptConfinement.NOT_VERIFIED));
                }
                CompletionStage<CommandCatalog> catalog = commandExecutor.catalog(target);
                if (!scripts || !service.policy().scripting()) {
                    return catalog.thenApply(loaded -> new Resolved(target, loaded, ScriptConfinement.NOT_VERIFIED));
                }
                return catalog.thenCompose(loaded -> scriptVerifier.verdict(target)
                        .thenApply(verdict -> new Resolved(target, loaded, verdict)));
            });
        });
    }

    /** A session's target and the command table its policy checks use. */
    private record Resolved(ExecutionTarget target, CommandCatalog catalog, ScriptConfinement scripts) {
    }

    /** A stage that fails with the {@link ConnectorException} itself, never wrapped. */
    private static <T> CompletionStage<T> settle(CompletionStage<T> stage) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            return future;
        }
        CompletableFuture<T> settled = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                settled.completeExceptionally(asConnectorException(failure, Step.EXECUTION));
            } else {
                settled.complete(value);
            }
        });
        return settled;
    }

    /** Steps 3 to 5; stays on the calling thread, without extra stages, while lookups answer from memory. */
    private CompletionStage<Reply> lookUp(Session session, VerifiedCommand command, ExecuteOptions requestOptions,
                                          CommandTrace trace) {
        String clientId = session.user().clientId();
        CompletableFuture<Optional<RedisService>> service =
                step(Step.SERVICE, () -> serviceRegistry.findService(clientId)).toCompletableFuture();
        if (isDone(service)) {
            return withService(session, command, requestOptions, service.join(), trace);
        }
        return service.thenCompose(found -> withService(session, command, requestOptions, found, trace));
    }

    private CompletionStage<Reply> withService(Session session, VerifiedCommand command, ExecuteOptions requestOptions,
                                               Optional<RedisService> found, CommandTrace trace) {
        String clientId = session.user().clientId();
        RedisService service = found.orElseThrow(() -> new ConnectorException(ErrorCode.NO_REDIS_SERVICE,
                "No Redis service exists for client '" + clientId + "'."));
        CompletableFuture<Optional<RedisCredentials>> credentials =
                step(Step.CREDENTIALS, () -> credentialStore.findCredentials(service)).toCompletableFuture();
        if (isDone(credentials)) {
            return withCredentials(session, service, credentials.join(), command, requestOptions, trace);
        }
        return credentials.thenCompose(stored -> withCredentials(session, service, stored, command, requestOptions,
                trace));
    }

    /** Step 2b (it needs the service's command table, so it runs once the target is known) and step 5. */
    private CompletionStage<Reply> withCredentials(Session session, RedisService service,
                                                   Optional<RedisCredentials> credentials, VerifiedCommand command,
                                                   ExecuteOptions requestOptions, CommandTrace trace) {
        RedisCredentials found = credentials.orElseThrow(() -> new ConnectorException(ErrorCode.NO_CREDENTIALS,
                "No credentials are stored for the Redis service of client '" + service.clientId() + "'."));
        ExecutionTarget target = new ExecutionTarget(service, found);
        if (!commandPolicy.needsCatalog() && !session.readOnly()) {
            VerifiedCommand allowed = commandPolicy.apply(session, service, command, CommandCatalog.EMPTY,
                    ScriptConfinement.NOT_VERIFIED);
            return run(target, allowed, CommandCatalog.EMPTY, requestOptions);
        }
        CompletableFuture<CommandCatalog> catalog = commandExecutor.catalog(target).toCompletableFuture();
        if (service.policy().scripting() && Scripts.runsOrLoadsCode(command)) {
            return catalog.thenCompose(loaded -> scriptVerifier.verdict(target).thenCompose(verdict -> {
                if (trace != null) {
                    trace.catalog = loaded;
                }
                return run(target, checkPolicy(session, service, command, loaded, verdict), loaded, requestOptions);
            }));
        }
        if (isDone(catalog)) {
            if (trace != null) {
                trace.catalog = catalog.join();
            }
            VerifiedCommand allowed = checkPolicy(session, service, command, catalog.join(),
                    ScriptConfinement.NOT_VERIFIED);
            return run(target, allowed, catalog.join(), requestOptions);
        }
        return catalog.thenCompose(loaded -> {
            if (trace != null) {
                trace.catalog = loaded;
            }
            VerifiedCommand allowed = checkPolicy(session, service, command, loaded, ScriptConfinement.NOT_VERIFIED);
            return run(target, allowed, loaded, requestOptions);
        });
    }

    /** Step 2b: the read-only session rule, then the service's policy; returns the command to send. */
    private VerifiedCommand checkPolicy(Session session, RedisService service, VerifiedCommand command,
                                        CommandCatalog catalog, ScriptConfinement scripts) {
        if (session.readOnly()) {
            PolicyEnforcer.requireReadOnly(session, service, command, catalog);
        }
        return commandPolicy.apply(session, service, command, catalog, scripts);
    }

    /** Step 5: on the shared connection, or for a blocking command on a dedicated one with its block time capped. */
    private CompletionStage<Reply> run(ExecutionTarget target, VerifiedCommand command, CommandCatalog catalog,
                                       ExecuteOptions requestOptions) {
        Duration timeout = effectiveTimeout(target.service(), requestOptions);
        if (ConnectionSafety.isBlocking(command, catalog)) {
            BlockTime capped = BlockTime.cap(command, options.maxBlockTime());
            return commandExecutor.executeBlocking(target, capped.command(), capped.blocksFor(), timeout);
        }
        CompletionStage<Reply> reply = requestOptions.splitAcrossSlots() && command.name().equals("MSET")
                ? commandExecutor.executeSplitAcrossSlots(target, command, timeout)
                : commandExecutor.execute(target, command, timeout);
        if (Scripts.runsCode(command)) {
            reply.whenComplete((ignored, failure) -> {
                if (failure != null && ConnectorException.unwrap(failure) instanceof ConnectorException e
                        && e.code() == ErrorCode.TIMEOUT) {
                    // a script past its timeout holds the whole Redis server: stop it for every other tenant
                    commandExecutor.stopRunawayScript(target, command.name().startsWith("FCALL"));
                }
            });
        }
        return reply;
    }

    private static boolean isDone(CompletableFuture<?> future) {
        return future.isDone() && !future.isCompletedExceptionally();
    }

    private Duration effectiveTimeout(RedisService service, ExecuteOptions requestOptions) {
        Duration serviceTimeout = service.commandTimeout() != null ? service.commandTimeout()
                : options.commandTimeout();
        Duration requested = requestOptions.timeout();
        return requested != null && requested.compareTo(serviceTimeout) < 0 ? requested : serviceTimeout;
    }

    /** Runs one registry-backed step; a failure that is not already a connector error means the registry failed. */
    private static <T> CompletionStage<T> step(Step step, Supplier<CompletionStage<T>> call) {
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(call.get(), "a pipeline step returned null");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(registryFailure(e, step));
        }
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            return future;
        }
        return future.handle((value, failure) -> {
            if (failure != null) {
                throw registryFailure(failure, step);
            }
            return value;
        });
    }

    private static ConnectorException registryFailure(Throwable failure, Step step) {
        Throwable cause = ConnectorException.unwrap(failure);
        if (cause instanceof ConnectorException connectorException) {
            return connectorException.code() == ErrorCode.REGISTRY_UNAVAILABLE
                    ? connectorException.atStep(step) : connectorException;
        }
        LOG.warn("registry failure at step={} type={}", step.wireName(), cause.getClass().getName());
        return ConnectorException.registryUnavailable(step, cause);
    }

    static ConnectorException asConnectorException(Throwable failure, Step step) {
        Throwable cause = ConnectorException.unwrap(failure);
        return cause instanceof ConnectorException known ? known : ConnectorException.internal(cause, step);
    }

    /** The options this connector runs with. */
    public ConnectorOptions options() {
        return options;
    }

    /** The executor (for connection statistics). */
    public CommandExecutor commandExecutor() {
        return commandExecutor;
    }

    /** Closes every Redis connection. */
    @Override
    public void close() {
        commandExecutor.close();
    }

    /** Builds a {@link RedisConnector}. Not thread-safe. */
    public static final class Builder {
        private SessionValidator sessionValidator;
        private ServiceRegistry serviceRegistry;
        private CredentialStore credentialStore;
        private CommandPolicy commandPolicy = CommandPolicy.ALLOW_ALL;
        private CommandVerifier commandVerifier;
        private CommandExecutor commandExecutor;
        private ConnectorOptions options = ConnectorOptions.DEFAULTS;
        private CommandListener listener;

        private Builder() {
        }

        /** Step 1. Required. */
        public Builder sessionValidator(SessionValidator value) {
            this.sessionValidator = value;
            return this;
        }

        /** Step 3. Required. */
        public Builder serviceRegistry(ServiceRegistry value) {
            this.serviceRegistry = value;
            return this;
        }

        /** Step 4. Required. */
        public Builder credentialStore(CredentialStore value) {
            this.credentialStore = value;
            return this;
        }

        /** Step 2b. Defaults to {@link CommandPolicy#ALLOW_ALL} (the safety refusals still apply). */
        public Builder commandPolicy(CommandPolicy value) {
            this.commandPolicy = Objects.requireNonNull(value, "commandPolicy");
            return this;
        }

        /** Step 2. Defaults to a {@link CommandVerifier} with the options' limits. */
        public Builder commandVerifier(CommandVerifier value) {
            this.commandVerifier = value;
            return this;
        }

        /** Step 5. Defaults to a {@link LettuceCommandExecutor} with the options. */
        public Builder commandExecutor(CommandExecutor value) {
            this.commandExecutor = value;
            return this;
        }

        /** Told about every command's outcome (audit trail, metrics). Optional. */
        public Builder listener(CommandListener value) {
            this.listener = value;
            return this;
        }

        /** Connector-wide settings. Defaults to {@link ConnectorOptions#DEFAULTS}. */
        public Builder options(ConnectorOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        public RedisConnector build() {
            return new RedisConnector(this);
        }
    }
}
