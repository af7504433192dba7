package dev.redisconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The guard passes RESP through unchanged except values over the limit, however the stream is cut into reads. */
class ReplySizeGuardTest {

    private static final int LIMIT = 16;
    private static final byte[] MARKER = ("-" + ReplySizeGuard.MARKER + "\r\n").getBytes(StandardCharsets.US_ASCII);

    /** One reply: its bytes on the wire and what the guard must pass on. */
    record Frame(byte[] wire, byte[] expected) {
    }

    @Property(tries = 500)
    void passesEverythingButOversizedValues(@ForAll("streams") List<Frame> frames,
                                           @ForAll("cuts") List<Integer> cuts) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            wire.writeBytes(frame.wire());
            expected.writeBytes(frame.expected());
        }
        assertThat(through(wire.toByteArray(), cuts)).isEqualTo(expected.toByteArray());
    }

    @Test
    void bigValueInsideAnArrayIsReplacedAndTheRestKept() {
        String big = "x".repeat(1000);
        byte[] wire = ("*3\r\n$1\r\na\r\n$1000\r\n" + big + "\r\n:7\r\n+OK\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = through(wire, List.of(3, 9, 14, 15, 500, 1010));
        assertThat(new String(out, StandardCharsets.US_ASCII))
                .isEqualTo("*3\r\n$1\r\na\r\n-" + ReplySizeGuard.MARKER + "\r\n:7\r\n+OK\r\n");
    }

    private static byte[] through(byte[] wire, List<Integer> cuts) {
        EmbeddedChannel channel = new EmbeddedChannel(new ReplySizeGuard(LIMIT));
        int position = 0;
        for (int cut : cuts) {
            int next = Math.min(wire.length, position + cut);
            channel.writeInbound(Unpooled.wrappedBuffer(wire, position, next - position));
            position = next;
        }
        if (position < wire.length) {
            channel.writeInbound(Unpooled.wrappedBuffer(wire, position, wire.length - position));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf read;
        while ((read = channel.readInbound()) != null) {
            byte[] bytes = new byte[read.readableBytes()];
            read.readBytes(bytes);
            read.release();
            out.writeBytes(bytes);
        }
        channel.finishAndReleaseAll();
        return out.toByteArray();
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 40).list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<Frame>> streams() {
        return frame(3).list().ofMinSize(1).ofMaxSize(12);
    }

    private static Arbitrary<Frame> frame(int depth) {
        Arbitrary<Frame> simple = Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(30)
                .map(text -> same("+" + text + "\r\n"));
        Arbitrary<Frame> error = Arbitraries.strings().withCharRange('A', 'Z').ofMaxLength(20)
                .map(text -> same("-ERR " + text + "\r\n"));
        Arbitrary<Frame> number = Arbitraries.longs().map(n -> same(":" + n + "\r\n"));
        Arbitrary<Frame> nil = Arbitraries.of(same("$-1\r\n"), same("*-1\r\n"), same("_\r\n"));
        Arbitrary<Frame> bulk = Combinators.combine(Arbitraries.of('$', '=', '!'),
                Arbitraries.strings().all().ofMaxLength(LIMIT * 3)).as((type, text) -> {
                    // values hold any bytes, including CR, LF and RESP type characters
                    byte[] value = text.getBytes(StandardCharsets.UTF_8);
                    ByteArrayOutputStream wire = new ByteArrayOutputStream();
                    wire.writeBytes((type + Integer.toString(value.length) + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    wire.writeBytes(value);
                    wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                    return new Frame(wire.toByteArray(), value.length > LIMIT ? MARKER : wire.toByteArray());
                });
        if (depth == 0) {
            return Arbitraries.oneOf(simple, error, number, nil, bulk);
        }
        Arbitrary<Frame> aggregate = Combinators.combine(Arbitraries.of('*', '%', '~', '>'),
                Arbitraries.lazy(() -> frame(depth - 1)).list().ofMaxSize(4)).as((type, children) -> {
                    int count = type == '%' ? children.size() / 2 : children.size();
                    List<Frame> used = children.subList(0, type == '%' ? count * 2 : count);
                    ByteArrayOutputStream wire = new ByteArrayOutputStream();
                    ByteArrayOutputStream expected = new ByteArrayOutputStream();
                    byte[] header = (type + Integer.toString(count) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    wire.writeBytes(header);
                    expected.writeBytes(header);
                    for (Frame child : used) {
                        wire.writeBytes(child.wire());
                        expected.writeBytes(child.expected());
                    }
                    return new Frame(wire.toByteArray(), expected.toByteArray());
                });
        return Arbitraries.oneOf(simple, error, number, nil, bulk, aggregate);
    }

    private static Frame same(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return new Frame(bytes, bytes);
    }
}
