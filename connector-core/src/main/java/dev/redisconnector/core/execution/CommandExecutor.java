package dev.redisconnector.core.execution;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.PipelineResult;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.pubsub.MessageListener;
import dev.redisconnector.core.pubsub.Subscription;
import dev.redisconnector.core.reply.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Step 5 (execution): runs a verified, allowed command against a target. Thread-safe.
 *
 * <p>The returned stage fails only with {@link dev.redisconnector.core.ConnectorException}s of the execution step.
 */
public interface CommandExecutor extends AutoCloseable {

    /**
     * Runs the command.
     *
     * @param target  service and credentials
     * @param command the verified command, with its entry in the server's command table when known
     * @param timeout how long to wait for the reply
     */
    CompletionStage<Reply> execute(ExecutionTarget target, ClassifiedCommand command, Duration timeout);

    /**
     * Runs commands in the given order (a pipeline). The outer stage completes once every command is sent; each inner
     * stage holds one command's outcome.
     */
    default CompletionStage<List<CompletionStage<Reply>>> executeAll(ExecutionTarget target,
            List<ClassifiedCommand> commands, Duration timeout) {
        List<CompletionStage<Reply>> outcomes = new ArrayList<>(commands.size());
        for (ClassifiedCommand command : commands) {
            outcomes.add(execute(target, command, timeout));
        }
        return CompletableFuture.completedFuture(outcomes);
    }

    /**
     * The target server's command table ({@code COMMAND}), loaded once per service version and cached. Executors
     * that cannot load one return {@link dev.redisconnector.core.command.CommandCatalog#EMPTY}.
     */
    default CompletionStage<CommandCatalog> catalog(ExecutionTarget target) {
        return CompletableFuture.completedFuture(
                CommandCatalog.EMPTY);
    }

    /**
     * Runs a blocking command on a connection of its own (never the shared one).
     *
     * @param blocksFor the longest time the server may hold the reply back (already capped in the command)
     * @param timeout   how long to wait for the reply beyond that
     */
    default CompletionStage<Reply> executeBlocking(ExecutionTarget target, ClassifiedCommand command,
                                                   Duration blocksFor, Duration timeout) {
        return CompletableFuture.failedFuture(new ConnectorException(
                ErrorCode.COMMAND_NOT_ALLOWED, command.name() + " is not allowed: this"
                + " executor has no dedicated connections for blocking commands."));
    }

    /**
     * Runs {@code commands} as one transaction ({@code MULTI}/{@code EXEC}) on a connection of its own, after
     * {@code WATCH} of {@code watch} when it is not empty.
     *
     * @return one result per command; fails with {@code TRANSACTION_ABORTED} when a watched key changed, with
     *         {@code REDIS_ERROR} when Redis discarded the transaction ({@code EXECABORT})
     */
    default CompletionStage<List<PipelineResult>> executeTransaction(
            ExecutionTarget target, List<byte[]> watch, List<ClassifiedCommand> commands,
            Duration timeout) {
        return CompletableFuture.failedFuture(new ConnectorException(
                ErrorCode.COMMAND_NOT_ALLOWED, "Transactions are not available: this"
                + " executor has no dedicated connections."));
    }

    /** Subscribes to channels (or patterns) on a connection of its own. */
    default CompletionStage<Subscription> subscribe(ExecutionTarget target,
            List<byte[]> channels, boolean pattern, MessageListener listener) {
        return CompletableFuture.failedFuture(new ConnectorException(
                ErrorCode.COMMAND_NOT_ALLOWED, "Subscriptions are not available: this"
                + " executor has no pub/sub connections."));
    }

    /**
     * Runs an {@code MSET} the caller allowed to be split by slot on a Redis Cluster (each part atomic, the whole
     * not); elsewhere, and by default, exactly like {@link #execute}.
     */
    default CompletionStage<Reply> executeSplitAcrossSlots(ExecutionTarget target, ClassifiedCommand command,
                                                          Duration timeout) {
        return execute(target, command, timeout);
    }

    /**
     * Stops a script (or, with {@code function}, a function) that ran past its timeout, so it does not hold a Redis
     * server every tenant shares: sends {@code SCRIPT KILL} ({@code FUNCTION KILL}) on a connection of its own.
     * Best effort; the outcome is logged. The default does nothing.
     */
    default void stopRunawayScript(ExecutionTarget target, boolean function) {
    }

    /**
     * Opens a fresh connection to the target (never a shared one) and reports what it finds: reachable, TLS,
     * authenticated, version, role, latency. Fails with the codes of {@link #execute}. The default cannot test.
     */
    default CompletionStage<ConnectionReport> testConnection(ExecutionTarget target) {
        return CompletableFuture.failedFuture(new ConnectorException(ErrorCode.COMMAND_NOT_ALLOWED,
                "This executor cannot test connections."));
    }

    /** Closes every connection of a client at once (its service or credentials changed or were deleted). */
    default void closeConnections(String clientId) {
    }

    /** What the executor holds right now, for metrics. */
    default ExecutorStats stats() {
        return ExecutorStats.NONE;
    }

    /**
     * Per client: provider connections, dedicated connections in use and dedicated connections open, as
     * {@code {shared, dedicatedInUse, dedicatedOpen}} (for per-client metrics, which the operator turns on).
     */
    default Map<String, int[]> connectionsByClient() {
        return Map.of();
    }

    /** Closes every connection. */
    @Override
    void close();
}
