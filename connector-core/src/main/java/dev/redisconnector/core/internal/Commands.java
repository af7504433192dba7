package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.reply.Reply;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.internal.ExceptionFactory;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/** The command objects the executor hands Lettuce. Internal. */
final class Commands {

    private Commands() {
    }

    /**
     * Any command name, including module commands Lettuce has no enum for. Lettuce recognises {@code MULTI},
     * {@code EXEC} and {@code DISCARD} by {@link #toString()} and takes their replies over for its own transaction
     * API; for those the name it sees is marked, so the connector's transactions get Redis's replies as they are (the
     * bytes sent are the command's own).
     */
    record Keyword(String word) implements ProtocolKeyword {
        @Override
        public byte[] getBytes() {
            return word.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String name() {
            return switch (word) {
                case "MULTI", "EXEC", "DISCARD" -> "connector-" + word;
                default -> word;
            };
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * A command that carries its own timeout (read by {@link PerCommandTimeout}) and completes with the connector's
     * outcome directly: the reply, or a {@link ConnectorException} (never wrapped), without an extra stage.
     */
    static final class TimedCommand extends AsyncCommand<byte[], byte[], Reply> {
        private final ReplyOutput output;
        private final Duration timeout;
        private final long timeoutMillis;
        private final String clientId;
        private final long maxReplyBytes;
        private volatile boolean written;

        TimedCommand(RedisCommand<byte[], byte[], Reply> command, ReplyOutput output, Duration timeout,
                     String clientId, long maxReplyBytes) {
            super(command);
            this.output = output;
            this.timeout = timeout;
            this.timeoutMillis = timeout.toMillis();
            this.clientId = clientId;
            this.maxReplyBytes = maxReplyBytes;
        }

        long timeoutMillis() {
            return timeoutMillis;
        }

        /** Whether Lettuce encoded this command onto a connection (it may have reached Redis). */
        boolean written() {
            return written;
        }

        @Override
        public void encode(ByteBuf buffer) {
            if (written) {
                // sent again by the cluster after a MOVED or ASK: start from a clean reply
                output.reset();
            }
            written = true;
            super.encode(buffer);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return completeExceptionally(new CancellationException());
        }

        /**
         * Called once, by Lettuce, when the reply is decoded. A Redis error or an oversized reply is reported with
         * {@code obtrudeException}: Lettuce's completion counter has already reached zero here, so its
         * {@code completeExceptionally} would ignore the call.
         */
        @Override
        public boolean complete(Reply reply) {
            if (isDone()) {
                return false;
            }
            if (output.topLevelError() != null) {
                obtrudeException(ExecutionErrors.commandFailure(
                        ExceptionFactory.createExecutionException(output.topLevelError()),
                        clientId, timeout));
                return true;
            }
            if (output.tooLarge()) {
                obtrudeException(new ConnectorException(ErrorCode.RESULT_TOO_LARGE,
                        "The reply is larger than the limit of " + maxReplyBytes + " bytes; narrow the command"
                                + " (e.g. SCAN instead of KEYS, HSCAN instead of HGETALL)."));
                return true;
            }
            return super.complete(reply == null ? Reply.NullReply.INSTANCE : reply);
        }

        /**
         * A command that was never written cannot have run: its failure says so ({@code REDIS_UNAVAILABLE}, "not
         * sent"). One that was written and got no reply (timeout, connection lost) is {@code TIMEOUT}, outcome
         * unknown.
         */
        @Override
        public boolean completeExceptionally(Throwable failure) {
            ConnectorException mapped = failure instanceof ConnectorException connector ? connector
                    : ExecutionErrors.commandFailure(failure, clientId, timeout);
            if (!written && mapped.code() == ErrorCode.TIMEOUT) {
                return super.completeExceptionally(new ConnectorException(ErrorCode.REDIS_UNAVAILABLE,
                        "The Redis service of client '" + clientId + "' was not reachable"
                                + (failure instanceof RedisCommandTimeoutException ? " within "
                                + timeoutMillis + " ms" : "") + "; the command was not sent.", failure));
            }
            return super.completeExceptionally(mapped);
        }
    }

    /**
     * At most once: after a reconnect, a command that was already written is never sent again; one that was only
     * queued while the connection was down is sent for the first time.
     */
    static boolean neverResend(RedisCommand<?, ?, ?> command) {
        return !(command instanceof TimedCommand timed) || timed.written();
    }

    /** Lettuce's command expiry reads each command's own timeout. */
    static final class PerCommandTimeout extends TimeoutOptions.TimeoutSource {
        private final long defaultMillis;

        PerCommandTimeout(long defaultMillis) {
            this.defaultMillis = defaultMillis;
        }

        @Override
        public long getTimeout(RedisCommand<?, ?, ?> command) {
            return command instanceof TimedCommand timed ? timed.timeoutMillis() : defaultMillis;
        }

        @Override
        public TimeUnit getTimeUnit() {
            return TimeUnit.MILLISECONDS;
        }
    }
}
