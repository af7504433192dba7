package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.reply.Reply;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one command on an open connection ("run on it", where the providers decide "which connection"): as it is on
 * a single server; on a cluster routed by its first key, found through the command's classification (the server's
 * own key specifications), {@code COMMAND GETKEYS} for movable keys, or spread over the nodes for the commands
 * {@link ClusterSpan} handles. Stateless.
 */
final class Dispatch {

    private Dispatch() {
    }

    /** Runs a command on an open connection; on a cluster, routes it by its first key. */
    static CompletableFuture<Reply> run(RedisHandle handle, ClassifiedCommand classified, Duration timeout,
                                        String clientId, long maxReplyBytes) {
        VerifiedCommand command = classified.command();
        if (!handle.isCluster()) {
            return send(handle.connection(), command, -1, timeout, clientId, maxReplyBytes);
        }
        @SuppressWarnings("unchecked")
        StatefulRedisClusterConnection<byte[], byte[]> cluster =
                (StatefulRedisClusterConnection<byte[], byte[]>) handle.connection();
        if (ClusterSpan.handles(command)) {
            return ClusterSpan.run(cluster, command, timeout, clientId);
        }
        // classified with the policy's table, which is the cluster's own; anything else is looked up here once
        ClassifiedCommand routed = classified.table() == handle.commandTable() ? classified
                : handle.commandTable().classify(command);
        Optional<List<byte[]>> keys = routed.keys();
        if (keys.isPresent()) {
            List<byte[]> found = keys.get();
            int keyIndex = found.isEmpty() ? -1 : indexOf(command, found.getFirst());
            return send(cluster, command, keyIndex, timeout, clientId, maxReplyBytes)
                    .exceptionallyCompose(failure -> {
                        // a multi-key command over several slots: say which key is in which slot
                        if (ConnectorException.unwrap(failure) instanceof ConnectorException e
                                && e.getMessage().startsWith("CROSSSLOT") && found.size() > 1) {
                            return CompletableFuture.failedFuture(new ConnectorException(e.code(), e.getMessage()
                                    + " Keys by slot: " + ClusterSpan.slotsOf(found) + ".", e));
                        }
                        return CompletableFuture.failedFuture(ConnectorException.unwrap(failure));
                    });
        }
        if (routed.spec() == null) {
            // not in the server's table: almost every command has its key first
            return send(cluster, command, command.args().isEmpty() ? -1 : 0, timeout, clientId, maxReplyBytes);
        }
        List<byte[]> getKeys = new ArrayList<>(command.args().size() + 2);
        getKeys.add("GETKEYS".getBytes(StandardCharsets.US_ASCII));
        getKeys.add(command.name().getBytes(StandardCharsets.US_ASCII));
        getKeys.addAll(command.args());
        return send(cluster, new VerifiedCommand("COMMAND", getKeys), -1, timeout, clientId, maxReplyBytes)
                .exceptionally(noKeys -> Reply.NullReply.INSTANCE)
                .thenCompose(found -> send(cluster, command, firstKeyAt(command, found), timeout, clientId,
                        maxReplyBytes));
    }

    /**
     * Sends one command. {@code keyIndex} marks the argument Lettuce routes a cluster command by ({@code < 0}: none).
     * The future completes with the reply or fails with a {@code ConnectorException}, never wrapped.
     */
    static CompletableFuture<Reply> send(StatefulConnection<byte[], byte[]> connection, VerifiedCommand command,
                                         int keyIndex, Duration timeout, String clientId, long maxReplyBytes) {
        ReplyOutput output = new ReplyOutput(maxReplyBytes);
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
        List<byte[]> values = command.args();
        for (int i = 0; i < values.size(); i++) {
            if (i == keyIndex) {
                args.addKey(values.get(i));
            } else {
                args.add(values.get(i));
            }
        }
        Commands.TimedCommand timed = new Commands.TimedCommand(
                new Command<>(new Commands.Keyword(command.name()), output, args), output, timeout, clientId,
                maxReplyBytes);
        try {
            connection.dispatch(timed);
        } catch (RuntimeException e) {
            timed.completeExceptionally(e);
        }
        return timed;
    }

    private static int indexOf(VerifiedCommand command, byte[] key) {
        for (int i = 0; i < command.args().size(); i++) {
            if (command.args().get(i) == key) {
                return i;
            }
        }
        return -1;
    }

    private static int firstKeyAt(VerifiedCommand command, Reply keys) {
        if (keys instanceof Reply.ArrayReply array && !array.elements().isEmpty()
                && array.elements().getFirst() instanceof Reply.StringReply first) {
            for (int i = 0; i < command.args().size(); i++) {
                if (Arrays.equals(command.args().get(i), first.bytes())) {
                    return i;
                }
            }
        }
        return -1;
    }
}
