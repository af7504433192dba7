package dev.redisconnector.core;

import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.CommandExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Pipelines and transactions: several commands, steps 3 and 4 once, each command verified and checked on its own
 * (pipeline: a refused command gets its error and the others run; transaction: any refusal and nothing is sent).
 * Thread-safe.
 */
final class Batches {

    private final CommandGate gate;
    private final TargetResolver resolver;
    private final CommandExecutor commandExecutor;

    Batches(CommandGate gate, TargetResolver resolver, CommandExecutor commandExecutor) {
        this.gate = gate;
        this.resolver = resolver;
        this.commandExecutor = commandExecutor;
    }

    /** See {@link RedisConnector#executePipelineAsync}. */
    CompletionStage<List<PipelineResult>> pipeline(Session session, List<Inputs> commands,
                                                   ExecuteOptions requestOptions) {
        CommandTrace trace;
        PipelineResult[] results;
        VerifiedCommand[] verified;
        try {
            CommandGate.requireCount(commands, RedisConnector.MAX_PIPELINE_COMMANDS);
            gate.admit(session, commands.size());
            trace = gate.trace(session, commands);
            results = new PipelineResult[commands.size()];
            verified = new VerifiedCommand[commands.size()];
            for (int i = 0; i < commands.size(); i++) {
                try {
                    verified[i] = gate.verify(commands.get(i), requestOptions.encoding());
                    if (trace != null) {
                        trace.verified(i, verified[i]);
                    }
                } catch (RuntimeException e) {
                    results[i] = new PipelineResult(null, ErrorHandling.classify(e, Step.COMMAND));
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(ErrorHandling.classify(e, Step.COMMAND));
        }
        CompletionStage<List<PipelineResult>> outcome = ErrorHandling.then(
                resolver.resolve(session, CommandGate.runsCode(Arrays.asList(verified))),
                resolved -> runPipeline(session, resolved, verified, results, requestOptions, trace));
        if (trace != null) {
            outcome.whenComplete(trace::finishAll);
        }
        return ErrorHandling.settle(outcome);
    }

    private CompletionStage<List<PipelineResult>> runPipeline(Session session, TargetResolver.Resolved resolved,
                                                              VerifiedCommand[] verified, PipelineResult[] results,
                                                              ExecuteOptions requestOptions, CommandTrace trace) {
        List<ClassifiedCommand> toSend = new ArrayList<>(verified.length);
        List<Integer> positions = new ArrayList<>(verified.length);
        for (int i = 0; i < verified.length; i++) {
            if (verified[i] == null) {
                continue;
            }
            try {
                ClassifiedCommand command = gate.allowed(session, resolved, verified[i], i, trace);
                if (command.blocking()) {
                    throw new ConnectorException(ErrorCode.COMMAND_NOT_ALLOWED, command.name() + " is not allowed"
                            + " in a pipeline: blocking commands run alone through the execute endpoint, on a"
                            + " dedicated connection.");
                }
                toSend.add(command);
                positions.add(i);
            } catch (RuntimeException e) {
                results[i] = new PipelineResult(null, ErrorHandling.classify(e, Step.COMMAND));
            }
        }
        Duration timeout = gate.timeout(resolved.service(), requestOptions);
        return commandExecutor.executeAll(resolved.target().on(requestOptions.protocol()), toSend, timeout).thenCompose(outcomes -> {
            CompletableFuture<?>[] all = new CompletableFuture<?>[outcomes.size()];
            for (int k = 0; k < outcomes.size(); k++) {
                int position = positions.get(k);
                all[k] = outcomes.get(k).toCompletableFuture().handle((reply, failure) -> {
                    results[position] = failure == null ? new PipelineResult(reply, null)
                            : new PipelineResult(null, ErrorHandling.classify(failure, Step.EXECUTION));
                    return null;
                });
            }
            return CompletableFuture.allOf(all).thenApply(ignored -> List.of(results));
        });
    }

    /** See {@link RedisConnector#executeTransactionAsync}. */
    CompletionStage<List<PipelineResult>> transaction(Session session, List<Inputs> commands, List<?> watch,
                                                      ExecuteOptions requestOptions) {
        VerifiedCommand watched;
        List<VerifiedCommand> verified;
        CommandTrace trace;
        try {
            // the keys are arguments like any other (same types, limits and encoding); watching a key reads it, so
            // the policy checks them as it would for EXISTS
            watched = watch == null || watch.isEmpty() ? null : CommandGate.prefixed("inputs.watch: ",
                    () -> gate.verify(new Inputs("EXISTS", List.copyOf(watch)), requestOptions.encoding()));
            CommandGate.requireCount(commands, RedisConnector.MAX_TRANSACTION_COMMANDS);
            verified = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                Inputs inputs = commands.get(i);
                verified.add(CommandGate.prefixed("inputs.commands[" + i + "]: ",
                        () -> gate.verify(inputs, requestOptions.encoding())));
            }
            gate.admit(session, commands.size());
            trace = gate.trace(session, commands);
            for (int i = 0; trace != null && i < verified.size(); i++) {
                trace.verified(i, verified.get(i));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(ErrorHandling.classify(e, Step.COMMAND));
        }
        CompletionStage<List<PipelineResult>> results = ErrorHandling.then(
                resolver.resolve(session, CommandGate.runsCode(verified)), resolved -> {
                    List<ClassifiedCommand> allowed = new ArrayList<>(verified.size());
                    for (int i = 0; i < verified.size(); i++) {
                        VerifiedCommand command = verified.get(i);
                        int index = i;
                        allowed.add(CommandGate.prefixed("inputs.commands[" + i + "]: ",
                                () -> gate.allowed(session, resolved, command, index, trace)));
                    }
                    if (watched != null) {
                        CommandGate.prefixed("inputs.watch: ", () -> gate.allowed(session, resolved, watched, -1, null));
                    }
                    return commandExecutor.executeTransaction(resolved.target().on(requestOptions.protocol()),
                            watched == null ? List.of() : watched.args(), allowed,
                            gate.timeout(resolved.service(), requestOptions));
                });
        if (trace != null) {
            results.whenComplete(trace::finishAll);
        }
        return ErrorHandling.settle(results);
    }

}
