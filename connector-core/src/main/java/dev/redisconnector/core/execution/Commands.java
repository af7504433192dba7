package dev.redisconnector.core.execution;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.reply.Reply;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The command objects the executor hands Lettuce. Internal. */
final class Commands {

    private Commands() {
    }

    /** Any command name, including module commands Lettuce has no enum for. */
    record Keyword(String name) implements ProtocolKeyword {
        @Override
        public byte[] getBytes() {
            return name.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return name;
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
        public void encode(io.netty.buffer.ByteBuf buffer) {
            if (written) {
                // sent again by the cluster after a MOVED or ASK: start from a clean reply
                output.reset();
            }
            written = true;
            super.encode(buffer);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return completeExceptionally(new java.util.concurrent.CancellationException());
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
                        io.lettuce.core.internal.ExceptionFactory.createExecutionException(output.topLevelError()),
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

        @Override
        public boolean completeExceptionally(Throwable failure) {
            if (!written && failure instanceof io.lettuce.core.RedisCommandTimeoutException) {
                return super.completeExceptionally(new ConnectorException(ErrorCode.REDIS_UNAVAILABLE,
                        "The Redis service of client '" + clientId + "' was not reachable within " + timeoutMillis
                                + " ms; the command was not sent."));
            }
            return super.completeExceptionally(failure instanceof ConnectorException ? failure
                    : ExecutionErrors.commandFailure(failure, clientId, timeout));
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
