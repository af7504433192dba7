package dev.redisconnector.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-socket Redis connection that speaks RESP2 or RESP3 ({@code HELLO}) and parses every reply into plain values,
 * written for tests that use Redis itself as the oracle: nothing of the code under test is on this path. Not
 * thread-safe; close it.
 *
 * <p>Reply values: bulk strings are {@code byte[]}, simple strings {@link Simple}, verbatim strings {@link Verbatim},
 * integers {@code Long}, nil and RESP3 null {@code null}, doubles {@link Dbl} (with the text Redis wrote), booleans
 * {@code Boolean}, big numbers {@link Big}, arrays {@code List<Object>}, sets {@link RespSet}, maps {@link RespMap}
 * (entries in the server's order), errors {@link Err} (at any depth). Attributes are read and dropped.
 */
public final class RespConnection implements AutoCloseable {

    /** A simple (status) string such as {@code OK}. */
    public record Simple(String text) {
    }

    /** A verbatim string: its format ({@code txt}, {@code mkd}) and content. */
    public record Verbatim(String format, byte[] bytes) {
    }

    /** A RESP3 double, with the text Redis wrote for it. */
    public record Dbl(String text) {
    }

    /** A RESP3 big number, as its decimal text. */
    public record Big(String text) {
    }

    /** An error reply. */
    public record Err(String message) {
    }

    /** A RESP3 set. */
    public record RespSet(List<Object> elements) {
    }

    /** A RESP3 map in the server's order: keys at even positions, values at odd ones. */
    public record RespMap(List<Object> keysAndValues) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /** Connects to 127.0.0.1:{@code port} and switches to {@code protocol} (2 or 3) with {@code HELLO}. */
    public RespConnection(int port, int protocol) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to redis-server on port " + port, e);
        }
        Object hello = call("HELLO", Integer.toString(protocol));
        if (hello instanceof Err err) {
            throw new IllegalStateException("HELLO " + protocol + " failed: " + err.message());
        }
    }

    /** Sends a command (arguments as UTF-8) and reads its reply. */
    public Object call(String... command) {
        List<byte[]> args = new ArrayList<>(command.length);
        for (String arg : command) {
            args.add(arg.getBytes(StandardCharsets.UTF_8));
        }
        return call(args);
    }

    /** Sends a command and reads its reply. */
    public Object call(List<byte[]> command) {
        try {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("*" + command.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] arg : command) {
                request.write(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                request.write(arg);
                request.write('\r');
                request.write('\n');
            }
            out.write(request.toByteArray());
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed by redis-server");
        }
        String line = line();
        return switch (type) {
            case '+' -> new Simple(line);
            case '-' -> new Err(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                yield length < 0 ? null : bytes(length);
            }
            case '=' -> {
                byte[] all = bytes(Integer.parseInt(line));
                yield new Verbatim(new String(all, 0, 3, StandardCharsets.US_ASCII),
                        java.util.Arrays.copyOfRange(all, 4, all.length));
            }
            case '!' -> new Err(new String(bytes(Integer.parseInt(line)), StandardCharsets.UTF_8));
            case '*', '>' -> {
                int count = Integer.parseInt(line);
                yield count < 0 ? null : list(count);
            }
            case '~' -> new RespSet(list(Integer.parseInt(line)));
            case '%' -> new RespMap(list(2 * Integer.parseInt(line)));
            case '|' -> {
                list(2 * Integer.parseInt(line));
                yield read();
            }
            case '_' -> null;
            case ',' -> new Dbl(line);
            case '#' -> "t".equals(line);
            case '(' -> new Big(line);
            default -> throw new IOException("unknown RESP type '" + (char) type + "'");
        };
    }

    private List<Object> list(int count) throws IOException {
        List<Object> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            elements.add(read());
        }
        return elements;
    }

    private byte[] bytes(int length) throws IOException {
        byte[] data = in.readNBytes(length);
        if (data.length != length || in.read() != '\r' || in.read() != '\n') {
            throw new IOException("truncated bulk string");
        }
        return data;
    }

    private String line() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed by redis-server");
            }
            text.write(b);
        }
        in.read();
        return text.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }
}
