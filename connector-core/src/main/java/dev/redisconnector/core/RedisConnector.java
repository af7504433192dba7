package dev.redisconnector.core;

import dev.redisconnector.core.command.BlockTime;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.ConnectionSafety;
import dev.redisconnector.core.command.CommandVerifier;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.execution.LettuceExecutors;
import dev.redisconnector.core.policy.ScriptVerifier;
import dev.redisconnector.core.policy.Scripts;
import dev.redisconnector.core.pubsub.MessageListener;
import dev.redisconnector.core.pubsub.Subscription;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.spi.CommandPolicy;
import dev.redisconnector.core.spi.CredentialStore;
import dev.redisconnector.core.spi.ServiceRegistry;
import dev.redisconnector.core.spi.SessionValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Runs a logged-in user's Redis command against the Redis service registered for the user's client.
 *
 * <p>The pipeline, in the order it runs: 1 session validation ({@link SessionValidator}), 2 command verification
 * ({@link CommandVerifier}, with the connection-safety refusals), 3 service lookup ({@link ServiceRegistry}) and
 * 4 credential retrieval ({@link CredentialStore}) on one path for every entry point ({@link TargetResolver}), then
 * 2b, the command policy ({@link CommandPolicy}; it reads the service's command table, so it runs once the service
 * is known, before anything is sent; the command is classified once there and carried to execution), 5 execution
 * ({@link CommandExecutor}), and 6 error handling ({@link ErrorHandling}): every failure is a
 * {@link ConnectorException} naming its code and step.
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

    private final SessionValidator sessionValidator;
    private final CommandGate gate;
    private final TargetResolver resolver;
    private final CommandExecutor commandExecutor;
    private final ConnectorOptions options;
    private final Batches batches;

    private RedisConnector(Builder builder) {
        this.sessionValidator = Objects.requireNonNull(builder.sessionValidator, "sessionValidator");
        this.options = builder.options;
        CommandVerifier verifier = builder.commandVerifier != null ? builder.commandVerifier
                : new CommandVerifier(options.maxArguments(), options.maxCommandBytes(), options.maxArgumentBytes());
        this.commandExecutor = builder.commandExecutor != null ? builder.commandExecutor
                : LettuceExecutors.create(options);
        this.gate = new CommandGate(verifier, builder.commandPolicy, options, builder.listener);
        ScriptVerifier scriptVerifier = new ScriptVerifier(commandExecutor, options.commandTimeout().multipliedBy(2),
                ScriptVerifier.DEFAULT_RECHECK);
        this.resolver = new TargetResolver(Objects.requireNonNull(builder.serviceRegistry, "serviceRegistry"),
                Objects.requireNonNull(builder.credentialStore, "credentialStore"), commandExecutor, scriptVerifier,
                builder.commandPolicy.needsCatalog());
        this.batches = new Batches(gate, resolver, commandExecutor);
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
            throw ErrorHandling.classify(e.getCause(), Step.EXECUTION);
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
        return ErrorHandling.settle(ErrorHandling.then(authenticate(request.sessionToken()), 
                session -> executeAsync(session, request.inputs(), request.options())));
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
        CompletableFuture<Optional<Session>> validated =
                ErrorHandling.registryStep(Step.SESSION, () -> sessionValidator.validate(sessionToken));
        if (ErrorHandling.succeeded(validated)) {
            Optional<Session> session = validated.join();
            return session.isPresent() ? CompletableFuture.completedFuture(session.get())
                    : CompletableFuture.failedFuture(ConnectorException.notLoggedIn());
        }
        return ErrorHandling.settle(validated.thenApply(session -> session.orElseThrow(ConnectorException::notLoggedIn)));
    }

    /**
     * Steps 2 to 6 for a session the caller already validated (with {@link #authenticate} or its own login).
     *
     * @return a stage with the reply, failed with a {@link ConnectorException} on error (never another type)
     */
    public CompletionStage<Reply> executeAsync(Session session, Inputs inputs, ExecuteOptions requestOptions) {
        Objects.requireNonNull(session, "session");
        CommandTrace trace = gate.trace(session, List.of(inputs));
        CompletionStage<Reply> result;
        try {
            VerifiedCommand command = gate.verify(inputs, requestOptions.encoding());
            if (trace != null) {
                trace.verified(0, command);
            }
            gate.admit(session, 1);
            CompletableFuture<TargetResolver.Resolved> resolved =
                    resolver.resolve(session, Scripts.runsOrLoadsCode(command)).toCompletableFuture();
            if (ErrorHandling.succeeded(resolved)) {
                // every lookup answered from memory: straight on, on this thread
                result = ErrorHandling.settle(run(resolved.join(), gate.allowed(session, resolved.join(), command, 0,
                        trace), requestOptions));
            } else {
                result = ErrorHandling.settle(resolved.thenCompose(target -> run(target,
                        gate.allowed(session, target, command, 0, trace), requestOptions)));
            }
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(ErrorHandling.classify(e, Step.COMMAND));
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
        return batches.pipeline(Objects.requireNonNull(session, "session"), commands, requestOptions);
    }

    /** Most commands in one transaction: {@value}. */
    public static final int MAX_TRANSACTION_COMMANDS = 1000;

    /**
     * Runs commands as one transaction ({@code MULTI}/{@code EXEC}) on a dedicated connection, after
     * {@code WATCH} of the keys in {@code watch} (strings, or numbers; decoded like arguments). Every command is
     * verified and checked against the policy first (watched keys count as read keys); when any is refused nothing is
     * sent and the error names it. Other users' commands never land inside the transaction, and no two transactions
     * interleave.
     *
     * @return a stage with one result per command (a command Redis failed at run time, e.g. {@code WRONGTYPE}, has
     *         its error; the others still ran, as Redis transactions do); it fails with {@code TRANSACTION_ABORTED}
     *         when a watched key changed, {@code REDIS_ERROR} when Redis discarded the transaction
     *         ({@code EXECABORT}, naming the command), {@code POOL_EXHAUSTED}, or any pipeline failure
     */
    public CompletionStage<List<PipelineResult>> executeTransactionAsync(Session session, List<Inputs> commands,
                                                                        List<?> watch,
                                                                        ExecuteOptions requestOptions) {
        return batches.transaction(Objects.requireNonNull(session, "session"), commands, watch, requestOptions);
    }

    /**
     * One command of a session's service: its entry in the server's command table, its {@code COMMAND DOCS} entry
     * ({@code null} when the server has none), and whether this session may run it (the connection-safety refusals,
     * the session's read-only flag and the service's policy, judged on the command alone: a key namespace still
     * applies to the keys of each call), with the refusal's message when not.
     */
    public record CommandInfo(CommandCatalog.CommandSpec spec, Reply docs, boolean allowed, String refusal) {
    }

    /**
     * Steps 3 and 4, then the service's command table and {@code COMMAND DOCS}, each command judged for this session:
     * what a console needs for completion and to show what is allowed. Sorted by name.
     */
    public CompletionStage<List<CommandInfo>> commandsAsync(Session session) {
        Objects.requireNonNull(session, "session");
        return ErrorHandling.settle(ErrorHandling.then(resolver.resolve(session, false), resolved -> {
            ExecutionTarget target = resolved.target();
            return commandExecutor.catalog(target).thenCompose(table -> {
                TargetResolver.Resolved judged = new TargetResolver.Resolved(target, table, resolved.scripts());
                ClassifiedCommand docs = table.classify(new VerifiedCommand("COMMAND",
                        List.of("DOCS".getBytes(StandardCharsets.US_ASCII))));
                Duration timeout = gate.timeout(target.service(), ExecuteOptions.DEFAULT).multipliedBy(2);
                return commandExecutor.execute(target, docs, timeout).exceptionally(failure -> Reply.NullReply.INSTANCE)
                        .thenApply(reply -> judge(session, judged, table, reply));
            });
        }));
    }

    private List<CommandInfo> judge(Session session, TargetResolver.Resolved judged, CommandCatalog table,
                                    Reply docs) {
        Map<String, Reply> docsByName = new HashMap<>();
        if (docs instanceof Reply.MapReply map) {
            for (Reply.MapReply.Entry entry : map.entries()) {
                if (entry.key() instanceof Reply.StringReply name) {
                    docsByName.put(name.text().toLowerCase(Locale.ROOT), entry.value());
                }
            }
        }
        List<CommandInfo> out = new ArrayList<>();
        for (CommandCatalog.CommandSpec spec : table.specs()) {
            String name = spec.name().toUpperCase(Locale.ROOT);
            if (name.contains("|")) {
                continue;
            }
            VerifiedCommand bare = new VerifiedCommand(name, List.of());
            boolean allowed;
            String refusal = null;
            try {
                ConnectionSafety.check(bare);
                gate.allowed(session, judged, bare, -1, null);
                allowed = true;
            } catch (ConnectorException e) {
                allowed = false;
                refusal = e.getMessage();
            }
            out.add(new CommandInfo(spec, docsByName.get(spec.name().toLowerCase(Locale.ROOT)), allowed,
                    refusal));
        }
        out.sort(Comparator.comparing(info -> info.spec().name()));
        return out;
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
    public CompletionStage<Subscription> subscribeAsync(Session session, List<String> channels, boolean pattern,
                                                        MessageListener listener) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(listener, "listener");
        VerifiedCommand command;
        try {
            if (channels == null || channels.isEmpty()) {
                throw ConnectorException.invalidRequest("Name at least one " + (pattern ? "pattern" : "channel")
                        + ".");
            }
            if (channels.size() > MAX_SUBSCRIPTION_CHANNELS) {
                throw ConnectorException.invalidRequest("At most " + MAX_SUBSCRIPTION_CHANNELS
                        + " channels or patterns per subscription.");
            }
            command = new VerifiedCommand(pattern ? "PSUBSCRIBE" : "SUBSCRIBE", gate.verify(
                    new Inputs("EXISTS", List.copyOf(channels)), Encoding.UTF8).args());
            gate.admit(session, 1);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(ErrorHandling.classify(e, Step.COMMAND));
        }
        return ErrorHandling.settle(ErrorHandling.then(resolver.resolve(session, false), resolved -> {
            gate.allowed(session, resolved, command, -1, null);
            return commandExecutor.subscribe(resolved.target(), command.args(), pattern, listener);
        }));
    }

    /** Step 5: on the shared connection, or for a blocking command on a dedicated one with its block time capped. */
    private CompletionStage<Reply> run(TargetResolver.Resolved resolved, ClassifiedCommand command, ExecuteOptions requestOptions) {
        ExecutionTarget target = resolved.target().on(requestOptions.protocol());
        Duration timeout = gate.timeout(target.service(), requestOptions);
        if (command.blocking()) {
            BlockTime capped = BlockTime.cap(command.command(), options.maxBlockTime());
            return commandExecutor.executeBlocking(target, command.with(capped.command()), capped.blocksFor(),
                    timeout);
        }
        CompletionStage<Reply> reply = requestOptions.splitAcrossSlots() && command.name().equals("MSET")
                ? commandExecutor.executeSplitAcrossSlots(target, command, timeout)
                : commandExecutor.execute(target, command, timeout);
        if (Scripts.runsCode(command.command())) {
            reply.whenComplete((ignored, failure) -> {
                if (failure != null && ConnectorException.codeOf(failure) == ErrorCode.TIMEOUT) {
                    // a script past its timeout holds the whole Redis server: stop it for every other tenant
                    commandExecutor.stopRunawayScript(target, command.name().startsWith("FCALL"));
                }
            });
        }
        return reply;
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

        /** Step 5. Defaults to {@link LettuceExecutors#create(ConnectorOptions)} with the options. */
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
