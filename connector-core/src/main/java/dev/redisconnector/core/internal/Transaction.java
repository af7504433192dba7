package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.PipelineResult;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.reply.Reply;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One {@code MULTI}/{@code EXEC} on a leased dedicated connection: {@code WATCH} and {@code MULTI} first (their
 * replies awaited, so a refused {@code MULTI} can never let the commands run one by one), then the commands and
 * {@code EXEC} in one write. The connection goes back to its pool only when {@code EXEC} answered (which ends the
 * transaction and every watch); otherwise it is closed. Internal.
 */
final class Transaction {

    private static final VerifiedCommand MULTI = new VerifiedCommand("MULTI", List.of());
    private static final VerifiedCommand EXEC = new VerifiedCommand("EXEC", List.of());

    private final DedicatedConnections.Lease lease;
    private final List<byte[]> watch;
    private final List<ClassifiedCommand> commands;
    private final Duration timeout;
    private final String clientId;
    private final long maxReplyBytes;

    Transaction(DedicatedConnections.Lease lease, List<byte[]> watch, List<ClassifiedCommand> commands,
                Duration timeout, String clientId, long maxReplyBytes) {
        this.lease = lease;
        this.watch = watch;
        this.commands = commands;
        this.timeout = timeout;
        this.clientId = clientId;
        this.maxReplyBytes = maxReplyBytes;
    }

    CompletableFuture<List<PipelineResult>> run() {
        return connection().thenCompose(this::begin).whenComplete((results, failure) -> {
            if (failure != null) {
                lease.release(false);
            }
        });
    }

    /** The connection to run on: the service's own, or on a cluster the node serving the first key's slot. */
    private CompletableFuture<StatefulConnection<byte[], byte[]>> connection() {
        RedisHandle handle = lease.handle();
        if (!handle.isCluster()) {
            return CompletableFuture.completedFuture(handle.connection());
        }
        byte[] firstKey = watch.isEmpty() ? null : watch.getFirst();
        for (int i = 0; firstKey == null && i < commands.size(); i++) {
            List<byte[]> keys = keysOf(commands.get(i), handle);
            firstKey = keys.isEmpty() ? null : keys.getFirst();
        }
        if (firstKey == null) {
            return CompletableFuture.failedFuture(new ConnectorException(ErrorCode.INVALID_REQUEST, "A transaction on"
                    + " a Redis Cluster needs at least one key, to choose the node that runs it."));
        }
        @SuppressWarnings("unchecked")
        StatefulRedisClusterConnection<byte[], byte[]> cluster =
                (StatefulRedisClusterConnection<byte[], byte[]>) handle.connection();
        RedisClusterNode node = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(firstKey));
        if (node == null) {
            return CompletableFuture.failedFuture(new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "No node of the"
                    + " Redis Cluster of client '" + clientId + "' serves the slot of the transaction's first key."));
        }
        return cluster.getConnectionAsync(node.getNodeId()).toCompletableFuture()
                .thenApply(nodeConnection -> (StatefulConnection<byte[], byte[]>) nodeConnection);
    }

    private CompletableFuture<List<PipelineResult>> begin(StatefulConnection<byte[], byte[]> connection) {
        List<CompletableFuture<Reply>> opening = new ArrayList<>(2);
        if (!watch.isEmpty()) {
            opening.add(send(connection, new VerifiedCommand("WATCH", watch)));
        }
        opening.add(send(connection, MULTI));
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
                .thenCompose(opened -> body(connection));
    }

    private CompletableFuture<List<PipelineResult>> body(StatefulConnection<byte[], byte[]> connection) {
        List<CompletableFuture<Reply>> queued = new ArrayList<>(commands.size());
        for (ClassifiedCommand command : commands) {
            queued.add(send(connection, command.command()));
        }
        CompletableFuture<Reply> exec = send(connection, EXEC);
        List<CompletableFuture<?>> all = new ArrayList<>(queued);
        all.add(exec);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            boolean allAnswered = true;
            for (CompletableFuture<?> future : all) {
                if (future.isCompletedExceptionally() && !isRedisError(future)) {
                    allAnswered = false;
                }
            }
            // EXEC answered (a reply or EXECABORT): the transaction and its watches are over on this connection
            lease.release(allAnswered);
            if (exec.isCompletedExceptionally()) {
                throw new CompletionException(execFailure(exec, queued));
            }
            Reply reply = exec.join();
            if (reply instanceof Reply.NullReply) {
                throw new ConnectorException(ErrorCode.TRANSACTION_ABORTED, "The transaction did not run: a watched"
                        + " key (" + watch.size() + " watched) changed between WATCH and EXEC; nothing was"
                        + " written. Read again and retry.");
            }
            if (!(reply instanceof Reply.ArrayReply array) || array.elements().size() != commands.size()) {
                throw new ConnectorException(ErrorCode.REDIS_ERROR, "Redis answered EXEC with an unexpected reply;"
                        + " the outcome of the transaction is unknown.");
            }
            List<PipelineResult> results = new ArrayList<>(commands.size());
            for (Reply element : array.elements()) {
                results.add(element instanceof Reply.ErrorReply error
                        ? new PipelineResult(null, new ConnectorException(ErrorCode.REDIS_ERROR, error.message()))
                        : new PipelineResult(element, null));
            }
            return results;
        });
    }

    /** {@code EXECABORT} names the command Redis refused to queue; any other failure is reported as it is. */
    private ConnectorException execFailure(CompletableFuture<Reply> exec, List<CompletableFuture<Reply>> queued) {
        ConnectorException failure = cause(exec);
        if (failure.code() != ErrorCode.REDIS_ERROR || !failure.getMessage().startsWith("EXECABORT")) {
            return failure;
        }
        for (int i = 0; i < queued.size(); i++) {
            if (queued.get(i).isCompletedExceptionally()) {
                String refusal = cause(queued.get(i)).getMessage();
                if (lease.handle().isCluster() && (refusal.startsWith("MOVED") || refusal.startsWith("CROSSSLOT"))) {
                    // the service is a cluster already: what helps is where the keys are and how to bring them together
                    refusal = refusal.replaceAll(" \\(the server is a Redis Cluster node:.*\\)$", "")
                            + " (in a Redis Cluster a transaction runs on one node, so every key it touches must be in"
                            + " one slot; keys by slot: " + ClusterSpan.slotsOf(keysOf(commands)) + "; give them a"
                            + " common hash tag, e.g. {order:12345}:status and {order:12345}:items)";
                }
                return new ConnectorException(ErrorCode.REDIS_ERROR, "Redis discarded the transaction and nothing"
                        + " ran (EXECABORT): inputs.commands[" + i + "] (" + commands.get(i).name() + ") was"
                        + " refused when queued: " + refusal);
            }
        }
        return new ConnectorException(ErrorCode.REDIS_ERROR, "Redis discarded the transaction and nothing ran: "
                + failure.getMessage());
    }

    /** Every key the commands name, by the cluster's command table. */
    private List<byte[]> keysOf(List<ClassifiedCommand> all) {
        List<byte[]> keys = new ArrayList<>(watch);
        for (ClassifiedCommand command : all) {
            keys.addAll(keysOf(command, lease.handle()));
        }
        return keys;
    }

    /** A command's keys by the cluster's own command table (the one the policy classified it with, normally). */
    private static List<byte[]> keysOf(ClassifiedCommand command, RedisHandle handle) {
        ClassifiedCommand routed = command.table() == handle.commandTable() ? command
                : handle.commandTable().classify(command.command());
        return routed.keys().orElse(List.of());
    }

    private static boolean isRedisError(CompletableFuture<?> future) {
        ConnectorException failure = cause(future);
        return failure.code() == ErrorCode.REDIS_ERROR || failure.code() == ErrorCode.RESULT_TOO_LARGE;
    }

    private static ConnectorException cause(CompletableFuture<?> future) {
        try {
            future.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException e) {
            return e.getCause() instanceof ConnectorException connector ? connector
                    : new ConnectorException(ErrorCode.INTERNAL, "The transaction failed unexpectedly.", e.getCause());
        } catch (CancellationException e) {
            return new ConnectorException(ErrorCode.TIMEOUT, "The transaction was cancelled; its outcome is unknown.");
        }
    }

    private CompletableFuture<Reply> send(StatefulConnection<byte[], byte[]> connection, VerifiedCommand command) {
        return Dispatch.send(connection, command, -1, timeout, clientId, maxReplyBytes);
    }
}
