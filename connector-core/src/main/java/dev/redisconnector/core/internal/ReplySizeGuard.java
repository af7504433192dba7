package dev.redisconnector.core.internal;

import io.lettuce.core.protocol.CommandHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps a huge single value out of memory. Lettuce reads a bulk string only once all of it has arrived, so a
 * {@code GET} of a 500 MB value would first grow the connection's read buffer to 500 MB. This handler, placed in
 * front of Lettuce's, follows the RESP framing of the byte stream as it arrives and replaces every bulk string
 * ({@code $}, verbatim {@code =}, blob error {@code !}) longer than the limit with the error
 * {@value #MARKER}, dropping its bytes as they come; {@link ReplyOutput} turns the marker into
 * {@code RESULT_TOO_LARGE} for that command alone. The connection stays usable, other commands on it are not
 * affected, and memory stays bounded by the socket reads. Everything else passes through untouched (the same
 * buffers). One instance per channel; runs on the channel's event loop.
 */
final class ReplySizeGuard extends ChannelInboundHandlerAdapter {

    /** The error text that stands in for a dropped value. */
    static final String MARKER = "CONNECTOR_VALUE_TOO_LARGE";

    private static final byte[] REPLACEMENT = ("-" + MARKER + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER = 32;
    private static final LongAdder DROPPED = new LongAdder();

    private enum State { START, LINE, HEADER, PAYLOAD, DROP }

    private final long maxBulkBytes;
    private State state = State.START;
    private long remaining;
    private long length;
    private boolean negative;
    private ByteBuf pendingHeader;

    ReplySizeGuard(long maxBulkBytes) {
        this.maxBulkBytes = maxBulkBytes;
    }

    /** Values dropped as too large since start, over every connection (for metrics and tests). */
    static long droppedValues() {
        return DROPPED.sum();
    }

    /** Adds a guard in front of Lettuce's command handler (after TLS, which must see the raw bytes first). */
    static void install(ChannelPipeline pipeline, long maxBulkBytes) {
        ChannelHandlerContext lettuce = pipeline.context(CommandHandler.class);
        if (lettuce != null && pipeline.get(ReplySizeGuard.class) == null) {
            pipeline.addBefore(lettuce.name(), "connector-reply-size-guard", new ReplySizeGuard(maxBulkBytes));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        int end = in.writerIndex();
        int start = in.readerIndex();
        int forwardFrom = start;
        int headerStart = -1;
        boolean split = false;
        int i = start;
        try {
            while (i < end) {
                switch (state) {
                    case START -> {
                        byte type = in.getByte(i);
                        if (type == '$' || type == '=' || type == '!') {
                            state = State.HEADER;
                            headerStart = i;
                            length = 0;
                            negative = false;
                        } else {
                            state = State.LINE;
                        }
                        i++;
                    }
                    case LINE -> {
                        int newline = in.indexOf(i, end, (byte) '\n');
                        if (newline < 0) {
                            i = end;
                        } else {
                            state = State.START;
                            i = newline + 1;
                        }
                    }
                    case HEADER -> {
                        byte b = in.getByte(i++);
                        if (b >= '0' && b <= '9') {
                            length = Math.min(length * 10 + (b - '0'), Long.MAX_VALUE / 100);
                        } else if (b == '-') {
                            negative = true;
                        } else if (b == '\n') {
                            if (negative) {
                                state = State.START;
                                flushPending(ctx);
                            } else if (length > maxBulkBytes) {
                                // forward what came before the header, then the marker; drop the value
                                DROPPED.increment();
                                if (headerStart >= 0 && headerStart > forwardFrom) {
                                    ctx.fireChannelRead(in.retainedSlice(forwardFrom, headerStart - forwardFrom));
                                }
                                releasePending();
                                ctx.fireChannelRead(Unpooled.wrappedBuffer(REPLACEMENT));
                                split = true;
                                state = State.DROP;
                                remaining = length + 2;
                                forwardFrom = i;
                                headerStart = -1;
                            } else {
                                state = remaining(length + 2);
                                flushPending(ctx);
                            }
                        } else if (b != '\r' || headerLength(headerStart, start, i) > MAX_HEADER) {
                            // not a length: leave it to Lettuce
                            state = State.LINE;
                            flushPending(ctx);
                        }
                    }
                    case PAYLOAD, DROP -> {
                        long skip = Math.min(remaining, end - i);
                        remaining -= skip;
                        i += (int) skip;
                        if (remaining == 0) {
                            if (state == State.DROP) {
                                forwardFrom = i;
                            }
                            state = State.START;
                        } else if (state == State.DROP) {
                            forwardFrom = end;
                        }
                    }
                    default -> throw new IllegalStateException(state.name());
                }
            }
            if (state == State.HEADER) {
                // a header cut by the read: hold it back until its length is known
                int from = headerStart >= 0 ? headerStart : forwardFrom;
                if (from > forwardFrom) {
                    ctx.fireChannelRead(in.retainedSlice(forwardFrom, from - forwardFrom));
                }
                if (pendingHeader == null) {
                    pendingHeader = ctx.alloc().buffer(MAX_HEADER);
                }
                pendingHeader.writeBytes(in, from, end - from);
                split = true;
            } else if (split || pendingWasFlushed || forwardFrom != start) {
                if (end > forwardFrom) {
                    ctx.fireChannelRead(in.retainedSlice(forwardFrom, end - forwardFrom));
                }
            } else {
                ctx.fireChannelRead(in.retain());
            }
        } finally {
            pendingWasFlushed = false;
            in.release();
        }
    }

    private boolean pendingWasFlushed;

    private State remaining(long bytes) {
        remaining = bytes;
        return State.PAYLOAD;
    }

    private int headerLength(int headerStart, int readStart, int index) {
        int pending = pendingHeader == null ? 0 : pendingHeader.readableBytes();
        return pending + index - (headerStart >= 0 ? headerStart : readStart);
    }

    /** A held-back header turned out harmless: pass it on before the rest of this read. */
    private void flushPending(ChannelHandlerContext ctx) {
        if (pendingHeader != null) {
            ctx.fireChannelRead(pendingHeader);
            pendingHeader = null;
            pendingWasFlushed = true;
        }
    }

    private void releasePending() {
        if (pendingHeader != null) {
            pendingHeader.release();
            pendingHeader = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePending();
        state = State.START;
        remaining = 0;
        super.channelInactive(ctx);
    }
}
