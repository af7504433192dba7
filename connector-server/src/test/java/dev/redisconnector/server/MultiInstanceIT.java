package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redisconnector.testing.FreePorts;
import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.RespConnection;
import dev.redisconnector.testing.TestDatabases;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three packaged server processes ({@code java -jar target/redis-connector.jar serve}) on one PostgreSQL registry,
 * behind Debian's nginx running the shipped {@code deploy/nginx/redis-connector.conf}, with writes running through
 * them all the time: the load spreads over all three; a change made through one is in force on the others; a rolling
 * restart of all three loses no request; {@code kill -9} of one fails only what was in flight on it, each failure with
 * a clear JSON error; PostgreSQL restarted: cached traffic goes on and a change made afterwards still propagates. After
 * each phase every acknowledged write is checked in Redis itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "multi-instance-admin-token";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static TestDatabases.TestDatabase database;
    static Path work;
    static final List<Instance> instances = new ArrayList<>();
    static Process nginx;
    static int nginxPort;
    static String token;
    static Map<String, String> environment;

    /** One server process on a fixed port (a restart reuses it, as a unit would). */
    static final class Instance {
        final int port;
        final Path dataDir;
        final String transport;
        Process process;
        int starts;

        Instance(int port, Path dataDir, String transport) {
            this.port = port;
            this.dataDir = dataDir;
            this.transport = transport;
        }

        void start() throws IOException {
            starts++;
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-jar",
                    Path.of("target", "redis-connector.jar").toAbsolutePath().toString(), "serve")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("instance-" + port + ".log").toFile()));
            builder.environment().putAll(environment);
            builder.environment().put("RC_PORT", Integer.toString(port));
            builder.environment().put("RC_DATA_DIR", dataDir.toString());
            builder.environment().put("RC_TRANSPORT", transport);
            process = builder.start();
            process.getOutputStream().close();
            waitUntil(() -> status("http://127.0.0.1:" + port + "/health/ready") == 200, 60,
                    "instance on " + port + " ready");
        }

        /** SIGTERM, as systemd stops a unit; waits for the process to exit. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("instance on " + port + " exits on SIGTERM").isTrue();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path nginxBinary = Path.of("/usr/sbin/nginx");
        assertThat(Files.isExecutable(nginxBinary)).as("Debian's nginx (scripts/test installs it)").isTrue();
        work = Files.createTempDirectory("multi-instance");
        database = TestDatabases.postgres();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        environment = new HashMap<>(Map.of("RC_REGISTRY_URL", database.jdbcUrl(), "RC_REGISTRY_USER", database.user(),
                "RC_REGISTRY_PASSWORD", database.password(), "RC_MASTER_KEY",
                Base64.getEncoder().encodeToString(key), "RC_ADMIN_TOKEN", ADMIN, "RC_ALLOW_LOOPBACK", "true",
                "RC_DRAIN_MS", "1000", "RC_AUTH_FAILURES_PER_MINUTE", "0", "RC_LOG_LEVEL", "WARN"));
        // the default transport (io_uring where the kernel offers it) on two, epoll on the third: one service
        for (int i = 0; i < 3; i++) {
            instances.add(new Instance(FreePorts.next(), Files.createDirectories(work.resolve("data-" + i)),
                    i == 2 ? "epoll" : "auto"));
        }
        for (Instance instance : instances) {
            instance.start();
        }
        nginxPort = FreePorts.next();
        writeSite();
        Path temp = Files.createDirectories(work.resolve("nginx-temp"));
        temp.toFile().setWritable(true, false);
        // each request through nginx holds two connections (client and upstream): room for a cold start's burst
        Files.writeString(work.resolve("nginx.conf"), "worker_processes 1;\nworker_rlimit_nofile 16384;\nerror_log " + work.resolve("nginx-error.log")
                + " warn;\npid " + work.resolve("nginx.pid") + ";\nevents { worker_connections 8192; }\nhttp {\n"
                + "  access_log off;\n  client_body_temp_path " + temp + "/body;\n  proxy_temp_path " + temp
                + "/proxy;\n  fastcgi_temp_path " + temp + "/fastcgi;\n  uwsgi_temp_path " + temp + "/uwsgi;\n"
                + "  scgi_temp_path " + temp + "/scgi;\n  include " + work.resolve("redis-connector.conf") + ";\n}\n");
        nginx = new ProcessBuilder(nginxBinary.toString(), "-p", work.toString(), "-c",
                work.resolve("nginx.conf").toString(), "-g", "daemon off;" + (isRoot() ? " user root;" : ""))
                .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();
        waitUntil(() -> status("http://127.0.0.1:" + nginxPort + "/health/live") == 200, 20, "nginx up");
        admin(instances.get(0), "PUT", "/v1/admin/clients/multi/service",
                "{\"host\":\"127.0.0.1\",\"port\":" + REDIS.port() + "}");
        admin(instances.get(0), "PUT", "/v1/admin/clients/multi/credentials", "{\"kind\":\"none\"}");
        token = JSON.readTree(admin(instances.get(0), "POST", "/v1/admin/sessions",
                "{\"userId\":\"load\",\"clientId\":\"multi\"}")).get("token").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        for (Instance instance : instances) {
            if (instance.process != null) {
                instance.process.destroyForcibly();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    @Order(1)
    void loadThroughNginxSpreadsOverAllThree() throws Exception {
        Map<Integer, Long> before = setsPerInstance();
        try (Load load = new Load("spread", 300)) {
            Thread.sleep(2000);
            load.finish();
            assertThat(load.failures()).isEmpty();
            load.assertEveryAcknowledgedWriteIsInRedis();
        }
        Map<Integer, Long> after = setsPerInstance();
        for (Instance instance : instances) {
            assertThat(after.get(instance.port) - before.get(instance.port))
                    .as("SETs served by the instance on " + instance.port).isGreaterThan(20);
        }
        // one audit trail, asked of any instance, shows every instance's entries, each naming its instance
        java.util.Set<String> named = new java.util.TreeSet<>();
        waitUntil(() -> {
            JsonNode audit = JSON.readTree(admin(instances.get(2), "GET",
                    "/v1/admin/audit?clientId=multi&limit=2000", null));
            audit.get("entries").forEach(entry -> named.add(entry.path("instance").asText()));
            return named.size() >= 3;
        }, 10, "audit entries from all three instances");
        for (Instance instance : instances) {
            assertThat(named).anyMatch(name -> name.endsWith(":" + instance.port));
            assertThat(metricLine(instance, "rc_commands_total{")).contains("instance=\"").contains(":" + instance.port
                    + "\"");
            // each served its share above on the transport it was given: epoll, or io_uring where the kernel has it
            String expected = instance.transport.equals("epoll") || !Transport.IO_URING.available() ? "epoll"
                    : "io_uring";
            assertThat(metricLine(instance, "rc_event_loop_transport{")).as("instance on " + instance.port)
                    .contains("transport=\"" + expected + "\"");
        }
    }

    @Test
    @Order(2)
    void aRevocationThroughOneInstanceHoldsOnTheOthersAtOnce() throws Exception {
        JsonNode issued = JSON.readTree(admin(instances.get(0), "POST", "/v1/admin/sessions",
                "{\"userId\":\"short\",\"clientId\":\"multi\"}"));
        String shortLived = issued.get("token").asText();
        for (Instance instance : instances) {
            assertThat(execute(instance.url("/v1/redis/execute"), shortLived, "PING").statusCode()).isEqualTo(200);
        }
        admin(instances.get(0), "DELETE", "/v1/admin/sessions/" + issued.at("/session/sessionId").asText(), null);
        for (Instance instance : instances.subList(1, 3)) {
            waitUntil(() -> execute(instance.url("/v1/redis/execute"), shortLived, "PING").statusCode() == 401, 5,
                    "revocation in force on " + instance.port);
        }
    }

    @Test
    @Order(3)
    void aRollingRestartOfAllThreeUnderLoadLosesNothing() throws Exception {
        try (Load load = new Load("rolling", 200)) {
            Thread.sleep(1000);
            // SIGTERM, as systemd stops a unit; nginx's configuration stays as it is
            for (Instance instance : instances) {
                instance.stop();
                instance.start();
                Thread.sleep(1000);
            }
            load.finish();
            System.out.println("rolling restart: " + load.summary());
            assertThat(load.failures()).as("requests that failed during the rolling restart").isEmpty();
            load.assertEveryAcknowledgedWriteIsInRedis();
        }
    }

    @Test
    @Order(4)
    void killMinus9FailsOnlyWhatWasInFlightOnThatInstance() throws Exception {
        try (Load load = new Load("kill", 200)) {
            Thread.sleep(1000);
            long okBefore = load.acknowledged();
            instances.get(1).kill();
            Thread.sleep(3000);
            long okAfterKill = load.acknowledged();
            instances.get(1).start();
            Thread.sleep(1000);
            load.finish();
            System.out.println("kill -9: " + load.summary());
            assertThat(okAfterKill - okBefore).as("requests served while one instance was dead").isGreaterThan(300);
            assertThat(load.failures().size()).as("failed requests (only those in flight on the killed instance)")
                    .isLessThanOrEqualTo(20);
            for (Load.Result failure : load.failures()) {
                assertThat(failure.status()).as(failure.toString()).isIn(502, 504);
                JsonNode error = JSON.readTree(failure.body()).get("error");
                assertThat(error.get("code").asText()).as(failure.toString()).isIn("SERVER_UNAVAILABLE", "TIMEOUT");
                assertThat(error.get("message").asText()).isNotBlank();
            }
            load.assertEveryAcknowledgedWriteIsInRedis();
        }
    }

    @Test
    @Order(5)
    void postgresRestartedUnderLoadCachedTrafficGoesOnAndTheListenerComesBack() throws Exception {
        String cluster = postgresCluster();
        try (Load load = new Load("postgres", 200)) {
            Thread.sleep(1000);
            run("pg_ctlcluster", "--skip-systemctl-redirect", cluster.split(" ")[0], cluster.split(" ")[1], "restart");
            waitUntil(() -> instances.stream().allMatch(i -> metric(i, "rc_registry_listener_connected") == 1.0),
                    30, "every listener reconnected");
            Thread.sleep(1000);
            load.finish();
            System.out.println("PostgreSQL restart: " + load.summary());
            assertThat(load.failures()).as("requests that failed while PostgreSQL restarted").isEmpty();
            load.assertEveryAcknowledgedWriteIsInRedis();
        }
        for (Instance instance : instances) {
            assertThat(metric(instance, "rc_registry_listener_reconnects_total")).isGreaterThanOrEqualTo(1.0);
        }
        aRevocationThroughOneInstanceHoldsOnTheOthersAtOnce();
    }

    /** The shipped configuration with this test's ports. */
    static void writeSite() throws IOException {
        String site = Files.readString(Path.of("..", "deploy", "nginx", "redis-connector.conf"))
                .replace("listen 8080;", "listen 127.0.0.1:" + nginxPort + ";");
        for (int i = 0; i < instances.size(); i++) {
            site = site.replace("server 127.0.0.1:" + (8081 + i) + " ", "server 127.0.0.1:" + instances.get(i).port
                    + " ");
        }
        Files.writeString(work.resolve("redis-connector.conf"), site);
    }

    // --- load ---------------------------------------------------------------------------------------------------

    /** SETs of unique keys through nginx at a fixed rate, each answer recorded. */
    static final class Load implements AutoCloseable {
        record Result(String key, int status, String body) {
        }

        private final String name;
        private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
        private final Thread pacer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sequence = new AtomicLong();
        private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();

        Load(String name, int perSecond) {
            this.name = name;
            long intervalNanos = 1_000_000_000L / perSecond;
            this.pacer = Thread.ofPlatform().name("load-" + name).start(() -> {
                long next = System.nanoTime();
                while (running.get()) {
                    String key = "mi:" + name + ":" + sequence.incrementAndGet();
                    senders.submit(() -> send(key));
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }

        private void send(String key) {
            try {
                HttpResponse<String> response = execute("http://127.0.0.1:" + nginxPort + "/v1/redis/execute", token,
                        "SET", key, "v");
                results.add(new Result(key, response.statusCode(), response.body()));
            } catch (RuntimeException e) {
                results.add(new Result(key, -1, e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            pacer.join();
            senders.shutdown();
            assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).as("load requests finished").isTrue();
        }

        long acknowledged() {
            return results.stream().filter(r -> r.status() == 200).count();
        }

        List<Result> failures() {
            return results.stream().filter(r -> r.status() != 200).toList();
        }

        String summary() {
            return results.size() + " requests, " + acknowledged() + " acknowledged, " + failures().size() + " failed";
        }

        void assertEveryAcknowledgedWriteIsInRedis() {
            List<String> keys = results.stream().filter(r -> r.status() == 200).map(Result::key).toList();
            assertThat(keys).isNotEmpty();
            try (RespConnection redis = new RespConnection(REDIS.port(), 2)) {
                for (int from = 0; from < keys.size(); from += 500) {
                    List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
                    List<String> command = new ArrayList<>(List.of("EXISTS"));
                    command.addAll(chunk);
                    assertThat(redis.call(command.toArray(String[]::new))).as("acknowledged writes of " + name
                            + " in Redis").isEqualTo((long) chunk.size());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (running.get()) {
                finish();
            }
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    static HttpResponse<String> execute(String url, String bearer, String command, String... args) {
        StringBuilder body = new StringBuilder("{\"inputs\":{\"command\":\"").append(command).append("\",\"args\":[");
        for (int i = 0; i < args.length; i++) {
            body.append(i > 0 ? "," : "").append('"').append(args[i]).append('"');
        }
        body.append("]}}");
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("authorization", "Bearer " + bearer).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("no answer from " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String admin(Instance instance, String method, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(instance.url(path)))
                .header("authorization", "Bearer " + ADMIN).header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(300);
        return response.body();
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The SET commands each instance counted ({@code rc_commands_total}). */
    static Map<Integer, Long> setsPerInstance() {
        Map<Integer, Long> out = new HashMap<>();
        for (Instance instance : instances) {
            out.put(instance.port, (long) metric(instance, "rc_commands_total{", "command=\"SET\""));
        }
        return out;
    }

    static double metric(Instance instance, String name) {
        return metric(instance, name + " ", "") + metric(instance, name + "{", "");
    }

    /** The sum of the samples whose line starts with {@code prefix} and contains {@code label}. */
    static double metric(Instance instance, String prefix, String label) {
        try {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create(instance.url("/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith(prefix) && line.contains(label)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The first sample line starting with {@code prefix}. */
    static String metricLine(Instance instance, String prefix) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(instance.url("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(line -> line.startsWith(prefix)).findFirst().orElse("");
    }

    /** "15 main": the local PostgreSQL cluster the tests use. */
    static String postgresCluster() throws IOException {
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            String version = versions.map(path -> path.getFileName().toString()).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL cluster under /etc/postgresql"));
            return version + " main";
        }
    }

    static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void waitUntil(Check check, int seconds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                // not yet
            }
        }
        throw new AssertionError("not within " + seconds + " s: " + what);
    }
}
