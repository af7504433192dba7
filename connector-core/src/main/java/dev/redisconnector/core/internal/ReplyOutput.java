package dev.redisconnector.core.internal;

import dev.redisconnector.core.reply.Reply;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Reply} tree from Lettuce's RESP2/RESP3 decoder callbacks, for any command.
 *
 * <p>Errors inside aggregates become {@link Reply.ErrorReply} elements; a top-level error fails the command. Counts
 * the reply's bytes and stops keeping data once {@code maxBytes} is passed, so an oversized reply is reported
 * rather than held. Used by one command on one event-loop thread at a time: not thread-safe.
 */
final class ReplyOutput extends CommandOutput<byte[], byte[], Reply> {

    /** Rough per-element overhead counted against the cap, so a million empty strings still count. */
    private static final int ELEMENT_OVERHEAD = 8;

    private final long maxBytes;
    private final ArrayDeque<Aggregate> stack = new ArrayDeque<>();
    private long bytes;
    private boolean tooLarge;
    private String topLevelError;

    ReplyOutput(long maxBytes) {
        super(ByteArrayCodec.INSTANCE, null);
        this.maxBytes = maxBytes;
    }

    /** Whether the reply passed the byte cap (its content was dropped). */
    boolean tooLarge() {
        return tooLarge;
    }

    /**
     * The error Redis replied with at the top level, or {@code null}. Kept here rather than in Lettuce's error
     * field, so the command completes through {@code complete()} and the executor reports it without an extra stage.
     */
    String topLevelError() {
        return topLevelError;
    }

    /**
     * Lettuce's cluster redirect logic reads the error to follow {@code MOVED} and {@code ASK}; everything else the
     * executor reports itself, so {@link #hasError()} stays false.
     */
    @Override
    public String getError() {
        return topLevelError;
    }

    @Override
    public boolean hasError() {
        return false;
    }

    /** Forgets everything before the command is sent again (a cluster redirect). */
    void reset() {
        stack.clear();
        bytes = 0;
        tooLarge = false;
        topLevelError = null;
        output = null;
    }

    /** Bytes counted so far (payload plus element overhead). */
    long size() {
        return bytes;
    }

    @Override
    public void set(ByteBuffer buffer) {
        int length = buffer == null ? 0 : buffer.remaining();
        add(buffer == null ? Reply.NullReply.INSTANCE : new Reply.StringReply(copy(buffer), false), length);
    }

    @Override
    public void setSingle(ByteBuffer buffer) {
        int length = buffer == null ? 0 : buffer.remaining();
        add(buffer == null ? Reply.NullReply.INSTANCE : new Reply.StringReply(copy(buffer), true), length);
    }

    @Override
    public void setBigNumber(ByteBuffer buffer) {
        int length = buffer == null ? 0 : buffer.remaining();
        add(new Reply.BigNumberReply(text(buffer)), length);
    }

    @Override
    public void set(long integer) {
        add(new Reply.IntegerReply(integer), 0);
    }

    @Override
    public void set(double number) {
        add(new Reply.DoubleReply(number), 0);
    }

    @Override
    public void set(boolean value) {
        add(new Reply.BooleanReply(value), 0);
    }

    @Override
    public void setError(ByteBuffer error) {
        setError(text(error));
    }

    @Override
    public void setError(String error) {
        if (ReplySizeGuard.MARKER.equals(error)) {
            // a value the guard dropped on its way in: the reply is too large, wherever the value was
            tooLarge = true;
            add(Reply.NullReply.INSTANCE, 0);
            return;
        }
        if (stack.isEmpty()) {
            topLevelError = error;
        } else {
            add(new Reply.ErrorReply(error), error == null ? 0 : error.length());
        }
    }

    @Override
    public void multi(int count) {
        multiArray(count);
    }

    @Override
    public void multiArray(int count) {
        open(Kind.ARRAY, count);
    }

    @Override
    public void multiPush(int count) {
        open(Kind.ARRAY, count);
    }

    @Override
    public void multiSet(int count) {
        open(Kind.SET, count);
    }

    @Override
    public void multiMap(int count) {
        open(Kind.MAP, count < 0 ? count : count * 2);
    }

    private void open(Kind kind, int expected) {
        if (expected < 0) {
            add(Reply.NullReply.INSTANCE, 0);
            return;
        }
        Aggregate aggregate = new Aggregate(kind, expected, !tooLarge);
        if (expected == 0) {
            add(aggregate.build(), 0);
        } else {
            stack.push(aggregate);
        }
    }

    private void add(Reply reply, int payloadBytes) {
        bytes += payloadBytes + ELEMENT_OVERHEAD;
        if (bytes > maxBytes) {
            tooLarge = true;
        }
        Reply current = reply;
        while (true) {
            Aggregate parent = stack.peek();
            if (parent == null) {
                output = tooLarge ? Reply.NullReply.INSTANCE : current;
                return;
            }
            parent.add(tooLarge ? Reply.NullReply.INSTANCE : current, tooLarge);
            if (!parent.isComplete()) {
                return;
            }
            stack.pop();
            current = parent.build();
        }
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static String text(ByteBuffer buffer) {
        return buffer == null ? "" : StandardCharsets.UTF_8.decode(buffer).toString();
    }

    private enum Kind { ARRAY, SET, MAP }

    private static final class Aggregate {
        private final Kind kind;
        private final int expected;
        private final List<Reply> elements;
        private int received;

        Aggregate(Kind kind, int expected, boolean keep) {
            this.kind = kind;
            this.expected = expected;
            this.elements = keep ? new ArrayList<>(Math.min(expected, 1024)) : null;
        }

        void add(Reply reply, boolean drop) {
            received++;
            if (elements != null && !drop) {
                elements.add(reply);
            }
        }

        boolean isComplete() {
            return received >= expected;
        }

        Reply build() {
            if (elements == null || elements.size() != received) {
                return Reply.NullReply.INSTANCE;
            }
            return switch (kind) {
                case ARRAY -> new Reply.ArrayReply(elements);
                case SET -> new Reply.SetReply(elements);
                case MAP -> {
                    List<Reply.MapReply.Entry> entries = new ArrayList<>(elements.size() / 2);
                    for (int i = 0; i + 1 < elements.size(); i += 2) {
                        entries.add(new Reply.MapReply.Entry(elements.get(i), elements.get(i + 1)));
                    }
                    yield new Reply.MapReply(entries);
                }
            };
        }
    }
}
