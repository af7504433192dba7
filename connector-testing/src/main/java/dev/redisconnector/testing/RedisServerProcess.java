package dev.redisconnector.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code redis-server} process on a free loopback port, with its own temporary directory.
 *
 * <p>Started by {@link RedisServerExtension} (or directly with {@link #start(List, Path)}); stopped by {@link #stop()},
 * which is safe to call twice. Not thread-safe for concurrent start/stop; reading {@link #port()} is.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** How the process listens. */
    public enum Kind { PLAIN, TLS, SENTINEL }

    private final List<String> configLines;
    private final Path directory;
    private final int port;
    private final String password;
    private final Kind kind;
    private volatile Process process;

    private RedisServerProcess(List<String> configLines, Path directory, int port, String password, Kind kind) {
        this.configLines = List.copyOf(configLines);
        this.directory = directory;
        this.port = port;
        this.password = password;
        this.kind = kind;
    }

    /**
     * Starts a server with extra {@code redis.conf} lines on a free port.
     *
     * @param extraConfig lines such as {@code "requirepass secret"}; never {@code null}
     * @param directory   working directory for the server; created if missing
     */
    public static RedisServerProcess start(List<String> extraConfig, Path directory) {
        return start(extraConfig, directory, Kind.PLAIN);
    }

    /**
     * Starts a server of the given kind: {@link Kind#TLS} listens with TLS only (pass the {@code tls-*} lines, e.g.
     * from {@link TlsFiles#serverConfig(boolean)}); {@link Kind#SENTINEL} runs {@code redis-server --sentinel}.
     */
    public static RedisServerProcess start(List<String> extraConfig, Path directory, Kind kind) {
        String password = extraConfig.stream()
                .filter(line -> line.startsWith("requirepass "))
                .map(line -> line.substring("requirepass ".length()).trim())
                .findFirst().orElse(null);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.next();
            RedisServerProcess server = new RedisServerProcess(extraConfig, directory, port, password, kind);
            try {
                server.launch();
                return server;
            } catch (IOException e) {
                last = e;
                server.stop();
            }
        }
        throw new UncheckedIOException("redis-server did not start", last);
    }

    /** The port this server listens on (on 127.0.0.1). */
    public int port() {
        return port;
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The working directory of this server. */
    public Path directory() {
        return directory;
    }

    /** Whether the process is alive. */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Runs one command over a fresh socket (authenticating with the default user's password when one is set) and
     * returns the raw RESP2 reply text, for checks that must not go through the code under test.
     */
    public String call(String... command) {
        if (kind == Kind.TLS) {
            throw new IllegalStateException("call() speaks plain TCP; this server listens with TLS only");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (password != null) {
                out.write(encode("AUTH", password));
                readReply(in);
            }
            out.write(encode(command));
            out.flush();
            return readReply(in);
        } catch (IOException e) {
            throw new UncheckedIOException("command failed against redis-server on port " + port, e);
        }
    }

    /** Sends SIGKILL to the server and waits for it to die. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
        }
    }

    /** Starts the server again on the same port after {@link #kill()} or {@link #stop()}. */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not restart on port " + port, e);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after a few seconds). Idempotent. */
    public void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                waitFor(p);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() throws IOException {
        Files.createDirectories(directory);
        List<String> lines = new ArrayList<>();
        if (kind == Kind.TLS) {
            lines.add("port 0");
            lines.add("tls-port " + port);
        } else {
            lines.add("port " + port);
        }
        lines.add("bind 127.0.0.1");
        if (kind != Kind.SENTINEL) {
            lines.add("save \"\"");
            lines.add("appendonly no");
        }
        lines.add("dir " + directory.toAbsolutePath());
        lines.add("logfile " + directory.resolve("redis-" + port + ".log").toAbsolutePath());
        lines.add("daemonize no");
        lines.addAll(configLines);
        Path config = directory.resolve("redis-" + port + ".conf");
        if (!Files.exists(config) || kind != Kind.SENTINEL) {
            // a sentinel rewrites its own config; keep its state across a restart
            Files.write(config, lines, StandardCharsets.UTF_8);
        }
        List<String> command = new ArrayList<>(List.of(RedisBinaries.redisServer(), config.toString()));
        if (kind == Kind.SENTINEL) {
            command.add("--sentinel");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis-stdout.log").toFile());
        Process started = builder.start();
        process = started;
        ProcessCleanup.register(started);
        awaitReady(started);
    }

    private void awaitReady(Process started) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IOException("redis-server exited with " + started.exitValue() + "; see "
                        + directory.resolve("redis-" + port + ".log"));
            }
            if (kind == Kind.TLS) {
                Path log = directory.resolve("redis-" + port + ".log");
                if (Files.exists(log) && Files.readString(log).contains("Ready to accept connections")) {
                    return;
                }
                sleep(25);
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host(), port), 200);
                socket.setSoTimeout(1000);
                socket.getOutputStream().write(encode("PING"));
                String reply = readReply(socket.getInputStream());
                if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH") || reply.startsWith("-ERR")) {
                    return;
                }
            } catch (IOException notYet) {
                sleep(25);
            }
        }
        throw new IOException("redis-server did not answer on port " + port + " within " + START_TIMEOUT);
    }

    static byte[] encode(String... parts) {
        StringBuilder sb = new StringBuilder();
        sb.append('*').append(parts.length).append("\r\n");
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads one RESP2 reply and renders it as text (arrays as lines). */
    static String readReply(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1);
        StringBuilder out = new StringBuilder();
        readValue(reader, out);
        return out.toString().strip();
    }

    private static void readValue(BufferedReader reader, StringBuilder out) throws IOException {
        String line = reader.readLine();
        if (line == null) {
            throw new IOException("connection closed");
        }
        char type = line.charAt(0);
        switch (type) {
            case '*' -> {
                int count = Integer.parseInt(line.substring(1));
                if (count < 0) {
                    out.append("(nil)\n");
                }
                for (int i = 0; i < count; i++) {
                    readValue(reader, out);
                }
            }
            case '$' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    out.append("(nil)\n");
                } else {
                    char[] data = new char[length + 2];
                    int read = 0;
                    while (read < data.length) {
                        int n = reader.read(data, read, data.length - read);
                        if (n < 0) {
                            throw new IOException("connection closed");
                        }
                        read += n;
                    }
                    out.append(data, 0, length).append('\n');
                }
            }
            default -> out.append(line).append('\n');
        }
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "redis-server on 127.0.0.1:" + port;
    }
}
