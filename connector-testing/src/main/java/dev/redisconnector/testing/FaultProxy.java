package dev.redisconnector.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between the connector and a real server, for fault injection: cut every connection, stall or delay
 * the traffic, cut a connection after N bytes towards the server, or hold the client's bytes from a marker on until
 * released. One virtual thread per direction per connection. Thread-safe.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to("127.0.0.1", redis.port())) {
 *     // register the service at 127.0.0.1:proxy.port(), then:
 *     proxy.cutAll();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile long latencyMillis;
    private volatile boolean stalled;
    private volatile boolean refusing;
    private volatile long cutAfterUpstreamBytes = -1;
    private volatile byte[] holdMarker;
    private volatile CountDownLatch released = new CountDownLatch(0);
    private volatile CountDownLatch holding = new CountDownLatch(1);
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}. */
    public static FaultProxy to(String host, int port) {
        try {
            return new FaultProxy(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a proxy port", e);
        }
    }

    /** The port the connector should use. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Closes every open connection at once (the server sees the client vanish; the client sees a reset). */
    public void cutAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /** While {@code true}, new connections are accepted and closed at once. */
    public void refuse(boolean value) {
        this.refusing = value;
    }

    /** While {@code true}, no byte moves in either direction (a server that stopped answering). */
    public void stall(boolean value) {
        this.stalled = value;
    }

    /** Adds {@code millis} before forwarding each chunk, in both directions. */
    public void latency(long millis) {
        this.latencyMillis = millis;
    }

    /** Cuts every connection once {@code bytes} more bytes went towards the server ({@code -1}: never). */
    public void cutAfterUpstreamBytes(long bytes) {
        this.cutAfterUpstreamBytes = bytes < 0 ? -1 : upstreamBytes.get() + bytes;
    }

    /**
     * Holds client bytes from the next occurrence of {@code marker} on (what comes before it is forwarded) until
     * {@link #release()}. {@link #awaitHolding} tells when the marker was seen.
     */
    public void holdFrom(String marker) {
        this.holding = new CountDownLatch(1);
        this.released = new CountDownLatch(1);
        this.holdMarker = marker.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until the marker of {@link #holdFrom} was seen. */
    public boolean awaitHolding(long timeout, TimeUnit unit) throws InterruptedException {
        return holding.await(timeout, unit);
    }

    /** Forwards the held bytes and stops holding. */
    public void release() {
        holdMarker = null;
        released.countDown();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            accepted.incrementAndGet();
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(targetHost, targetPort), 2000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            sockets.add(client);
            sockets.add(server);
            Thread.ofVirtual().start(() -> pump(client, server, true));
            Thread.ofVirtual().start(() -> pump(server, client, false));
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                while (stalled && !from.isClosed()) {
                    Thread.sleep(5);
                }
                if (latencyMillis > 0) {
                    Thread.sleep(latencyMillis);
                }
                int start = 0;
                if (upstream) {
                    byte[] marker = holdMarker;
                    int at = marker == null ? -1 : indexOf(buffer, read, marker);
                    if (at >= 0) {
                        out.write(buffer, 0, at);
                        out.flush();
                        holding.countDown();
                        released.await();
                        start = at;
                    }
                    long total = upstreamBytes.addAndGet(read - start);
                    long cutAt = cutAfterUpstreamBytes;
                    if (cutAt >= 0 && total >= cutAt) {
                        int allowed = (int) Math.max(0, (read - start) - (total - cutAt));
                        out.write(buffer, start, allowed);
                        out.flush();
                        cutAfterUpstreamBytes = -1;
                        cutAll();
                        return;
                    }
                }
                out.write(buffer, start, read - start);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a cut or a closed peer: close both sides below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static int indexOf(byte[] data, int length, byte[] marker) {
        outer:
        for (int i = 0; i <= length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (data[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        release();
        closeQuietly(listener);
        cutAll();
    }
}
