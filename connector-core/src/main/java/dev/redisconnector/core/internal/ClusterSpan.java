package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Printable;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.reply.Reply;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Commands that span the nodes of a Redis Cluster, answered as one server would, the way Lettuce's and redis-py's
 * cluster clients do: {@code MGET}, {@code DEL}, {@code UNLINK}, {@code EXISTS} and {@code TOUCH} over keys of
 * several slots are split by slot and merged in order; {@code DBSIZE}, {@code KEYS}, {@code FLUSHDB}, {@code PING} and
 * {@code SCRIPT LOAD} go to every master (counts summed, keys merged); {@code SCAN} walks the masters one after the
 * other with a cursor that carries the node ({@code nodeCursor * 100 + nodeIndex}, so it stays a number and
 * {@code 0} still means done). Other commands are not handled here. Stateless.
 */
final class ClusterSpan {

    static final Set<String> SPLIT = Set.of("MGET", "DEL", "UNLINK", "EXISTS", "TOUCH");
    static final Set<String> FAN_OUT = Set.of("DBSIZE", "KEYS", "FLUSHDB", "PING", "SCAN", "SCRIPT", "FUNCTION");
    private static final BigInteger NODE_SLOTS = BigInteger.valueOf(100);

    private ClusterSpan() {
    }

    /** Whether this class answers the command (for the keys it has), else {@code false}: route it normally. */
    static boolean handles(VerifiedCommand command) {
        String name = command.name();
        if (SPLIT.contains(name)) {
            return spansSlots(command.args());
        }
        if (name.equals("SCRIPT") || name.equals("FUNCTION")) {
            return command.args().size() >= 2 && command.argText(0).equalsIgnoreCase("LOAD");
        }
        return FAN_OUT.contains(name) && !(name.equals("PING") && !command.args().isEmpty());
    }

    private static boolean spansSlots(List<byte[]> keys) {
        int first = -1;
        for (byte[] key : keys) {
            int slot = SlotHash.getSlot(key);
            if (first >= 0 && slot != first) {
                return true;
            }
            first = slot;
        }
        return false;
    }

    /** Runs a command {@link #handles} said yes to. Fails with connector errors only. */
    static CompletableFuture<Reply> run(StatefulRedisClusterConnection<byte[], byte[]> connection,
                                        VerifiedCommand command, Duration timeout, String clientId) {
        CompletableFuture<Reply> reply;
        try {
            reply = start(connection, command);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((value, failure) -> {
            if (failure != null) {
                throw ExecutionErrors.commandFailure(failure, clientId, timeout);
            }
            return value;
        });
    }

    private static CompletableFuture<Reply> start(StatefulRedisClusterConnection<byte[], byte[]> connection,
                                                  VerifiedCommand command) {
        var async = connection.async();
        byte[][] args = command.args().toArray(byte[][]::new);
        return switch (command.name()) {
            case "MGET" -> async.mget(args).toCompletableFuture().thenApply(values -> {
                List<Reply> out = new ArrayList<>(values.size());
                for (KeyValue<byte[], byte[]> value : values) {
                    out.add(value.hasValue() ? new Reply.StringReply(value.getValue(), false)
                            : Reply.NullReply.INSTANCE);
                }
                return new Reply.ArrayReply(out);
            });
            case "DEL" -> integer(async.del(args).toCompletableFuture());
            case "UNLINK" -> integer(async.unlink(args).toCompletableFuture());
            case "EXISTS" -> integer(async.exists(args).toCompletableFuture());
            case "TOUCH" -> integer(async.touch(args).toCompletableFuture());
            case "DBSIZE" -> integer(async.dbsize().toCompletableFuture());
            case "KEYS" -> async.keys(args.length == 0 ? "*" : new String(args[0], StandardCharsets.UTF_8))
                    .toCompletableFuture()
                    .thenApply(ClusterSpan::array);
            case "FLUSHDB" -> async.flushdb().toCompletableFuture().thenApply(Reply.StringReply::of);
            case "PING" -> eachMaster(connection, node -> node.ping().toCompletableFuture())
                    .thenApply(answers -> Reply.StringReply.of("PONG"));
            case "SCRIPT" -> eachMaster(connection, node -> node.scriptLoad(args[1]).toCompletableFuture())
                    .thenApply(shas -> Reply.StringReply.of(shas.getFirst()));
            case "FUNCTION" -> {
                // FUNCTION LOAD [REPLACE] code: the library on every master, its name once
                boolean replace = args.length == 3 && new String(args[1], StandardCharsets.UTF_8)
                        .equalsIgnoreCase("REPLACE");
                String code = new String(args[args.length - 1], StandardCharsets.UTF_8);
                yield eachMaster(connection, node -> (replace ? node.functionLoad(code, true)
                        : node.functionLoad(code)).toCompletableFuture())
                        .thenApply(names -> Reply.StringReply.of(names.getFirst()));
            }
            case "SCAN" -> scan(connection, command);
            default -> throw new IllegalStateException("not a spanning command: " + command.name());
        };
    }

    /** {@code MSET} split by slot (Lettuce sends one {@code MSET} per slot): each part atomic, the whole not. */
    static CompletableFuture<Reply> msetBySlot(StatefulRedisClusterConnection<byte[], byte[]> connection,
                                               VerifiedCommand command, Duration timeout, String clientId) {
        if (command.args().isEmpty() || command.args().size() % 2 != 0) {
            return CompletableFuture.failedFuture(new ConnectorException(ErrorCode.REDIS_ERROR,
                    "ERR wrong number of arguments for 'mset' command"));
        }
        Map<byte[], byte[]> pairs = new LinkedHashMap<>();
        for (int i = 0; i + 1 < command.args().size(); i += 2) {
            pairs.put(command.args().get(i), command.args().get(i + 1));
        }
        return connection.async().mset(pairs).toCompletableFuture().<Reply>thenApply(Reply.StringReply::of)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((value, failure) -> {
                    if (failure != null) {
                        throw ExecutionErrors.commandFailure(failure, clientId, timeout);
                    }
                    return value;
                });
    }

    /** One node's part of a SCAN, then the cursor that continues on that node or starts the next one. */
    private static CompletableFuture<Reply> scan(StatefulRedisClusterConnection<byte[], byte[]> connection,
                                                 VerifiedCommand command) {
        List<RedisClusterNode> masters = masters(connection);
        BigInteger cursor;
        try {
            cursor = new BigInteger(command.argText(0).strip());
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new ConnectorException(ErrorCode.REDIS_ERROR, "ERR invalid cursor");
        }
        int nodeIndex = cursor.mod(NODE_SLOTS).intValue();
        String nodeCursor = cursor.divide(NODE_SLOTS).toString();
        if (nodeIndex >= masters.size()) {
            throw new ConnectorException(ErrorCode.REDIS_ERROR, "ERR invalid cursor (it names node " + nodeIndex
                    + "; the cluster has " + masters.size() + " masters now)");
        }
        KeyScanArgs scanArgs = new KeyScanArgs();
        for (int i = 1; i + 1 < command.args().size(); i += 2) {
            String option = command.argText(i).toUpperCase(Locale.ROOT);
            switch (option) {
                case "MATCH" -> scanArgs.match(command.args().get(i + 1));
                case "COUNT" -> {
                    try {
                        scanArgs.limit(Long.parseLong(command.argText(i + 1)));
                    } catch (NumberFormatException e) {
                        throw new ConnectorException(ErrorCode.REDIS_ERROR, "ERR value is not an integer or out of"
                                + " range");
                    }
                }
                case "TYPE" -> scanArgs.type(command.argText(i + 1));
                default -> throw new ConnectorException(ErrorCode.REDIS_ERROR, "ERR syntax error");
            }
        }
        if (command.args().size() % 2 == 0) {
            throw new ConnectorException(ErrorCode.REDIS_ERROR, "ERR syntax error");
        }
        // the node's connection without blocking: this runs on an event loop
        return connection.getConnectionAsync(masters.get(nodeIndex).getNodeId()).thenCompose(node -> node.async()
                .scan(ScanCursor.of(nodeCursor), scanArgs).toCompletableFuture()).thenApply(page -> {
            BigInteger next;
            if (!page.isFinished()) {
                next = new BigInteger(page.getCursor()).multiply(NODE_SLOTS).add(BigInteger.valueOf(nodeIndex));
            } else if (nodeIndex + 1 < masters.size()) {
                next = BigInteger.valueOf(nodeIndex + 1);
            } else {
                next = BigInteger.ZERO;
            }
            return new Reply.ArrayReply(List.of(Reply.StringReply.of(next.toString()), array(page.getKeys())));
        });
    }

    /** The masters, in a stable order (by node id) so a cursor means the same node from one call to the next. */
    private static List<RedisClusterNode> masters(StatefulRedisClusterConnection<byte[], byte[]> connection) {
        List<RedisClusterNode> masters = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
                masters.add(node);
            }
        }
        masters.sort(Comparator.comparing(RedisClusterNode::getNodeId));
        return masters;
    }

    private static <T> CompletableFuture<List<T>> eachMaster(StatefulRedisClusterConnection<byte[], byte[]> connection,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> call) {
        List<CompletableFuture<T>> calls = new ArrayList<>();
        for (RedisClusterNode master : masters(connection)) {
            calls.add(connection.getConnectionAsync(master.getNodeId())
                    .thenCompose(node -> call.apply(node.async())));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> calls.stream().map(CompletableFuture::join).toList());
    }

    private static CompletableFuture<Reply> integer(CompletableFuture<Long> count) {
        return count.thenApply(Reply.IntegerReply::new);
    }

    private static Reply array(List<byte[]> keys) {
        List<Reply> out = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            out.add(new Reply.StringReply(key, false));
        }
        return new Reply.ArrayReply(out);
    }

    /** Which slot each key is in, for errors that must say why keys cannot go together. */
    static String slotsOf(List<byte[]> keys) {
        TreeMap<Integer, List<String>> bySlot = new TreeMap<>();
        for (byte[] key : keys) {
            bySlot.computeIfAbsent(SlotHash.getSlot(key), slot -> new ArrayList<>())
                    .add(Printable.quote(new String(key, StandardCharsets.UTF_8), 40));
        }
        StringBuilder out = new StringBuilder();
        bySlot.forEach((slot, names) -> out.append(out.isEmpty() ? "" : "; ").append("slot ").append(slot)
                .append(": ").append(String.join(", ", names)));
        return out.toString();
    }
}
