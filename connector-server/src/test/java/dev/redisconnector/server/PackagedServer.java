package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged jar ({@code target/redis-connector.jar}, built by {@code mvn package} before the ITs) started as
 * {@code serve} in a process of its own, on a free port and one event loop, with its output (stdout and stderr)
 * collected line by line. For what only a fresh process shows: its logs, its start-up choices.
 */
final class PackagedServer implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private PackagedServer(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    /** Starts the jar with {@code jvmOptions} before {@code -jar} and {@code environment} on top of the defaults. */
    static PackagedServer start(Path dataDir, List<String> jvmOptions, Map<String, String> environment)
            throws IOException {
        Path jar = Path.of("target", "redis-connector.jar");
        assertThat(Files.exists(jar)).as("the packaged jar (mvn package builds it before the ITs)").isTrue();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("RC_PORT", "0");
        builder.environment().put("RC_EVENT_LOOPS", "1");
        builder.environment().put("RC_DATA_DIR", dataDir.toString());
        builder.environment().putAll(environment);
        return new PackagedServer(builder.start());
    }

    /** Every line so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The first line that matches, waiting up to {@code timeout} for it; fails with what was seen. */
    String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (matches.test(line)) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        List<String> seen = lines();
        throw new AssertionError("no such line within " + timeout + "; the last lines: "
                + seen.subList(Math.max(0, seen.size() - 20), seen.size()));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
