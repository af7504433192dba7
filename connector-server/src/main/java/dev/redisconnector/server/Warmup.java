package dev.redisconnector.server;

import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warm-up: before {@code /health/ready} says ready, the server sends itself a few hundred requests over
 * loopback through every public path that needs no Redis (command requests whose well-formed token is unknown, so
 * body parsing, the session lookup in the registry and the error answer run; the Upstash protocol; health and the
 * API document), so the first requests of a rolling restart do not pay for class loading and compilation. The
 * requests carry a random per-process header that keeps them out of the failed-authentication throttle and the
 * access log is not special-cased (they are visible as 401s at start). Thread-safe.
 */
final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    static final String HEADER = "x-rc-warmup";
    private static final int ROUNDS = 300;
    private static final int PARALLEL = 8;

    /** A secret per process: only this process's own warm-up requests carry it. */
    private final String secret = randomHex();

    /** Whether the request is one of this process's warm-up requests. */
    boolean isOwn(HttpServerRequest request) {
        return isOwn(request.getHeader(HEADER));
    }

    /** Whether {@code value}, a request's {@value #HEADER} header (or {@code null}), marks one of them. */
    boolean isOwn(String value) {
        return value != null && value.length() == secret.length() && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.US_ASCII), secret.getBytes(StandardCharsets.US_ASCII));
    }

    /** Sends the warm-up requests to the server on {@code port}; never fails the start (logs what went wrong). */
    void run(int port, String upstashBase) {
        long started = System.nanoTime();
        String base = "http://127.0.0.1:" + port;
        // a token of the right shape (so the registry is asked) that was never issued
        String token = "rcs_" + randomHex() + "warmup_warm";
        List<HttpRequest> requests = new ArrayList<>();
        requests.add(post(base + "/v1/redis/execute", token,
                "{\"inputs\":{\"command\":\"SET\",\"args\":[\"warmup:key\",\"value\",\"EX\",60]}}"));
        requests.add(post(base + "/v1/redis/execute", token,
                "{\"inputs\":{\"command\":\"GET\",\"args\":[\"warmup:key\"]},\"options\":{\"encoding\":\"utf8\"}}"));
        requests.add(post(base + "/v1/redis/pipeline", token,
                "{\"inputs\":{\"commands\":[{\"command\":\"INCR\",\"args\":[\"warmup:n\"]}]}}"));
        if (upstashBase != null) {
            requests.add(post(base + upstashBase, token, "[\"GET\",\"warmup:key\"]"));
        }
        requests.add(HttpRequest.newBuilder(URI.create(base + "/health/live")).header(HEADER, secret).build());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        int failures = 0;
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int worker = 0; worker < PARALLEL; worker++) {
                sent.add(workers.submit(() -> {
                    int failed = 0;
                    for (int round = 0; round < ROUNDS / PARALLEL; round++) {
                        for (HttpRequest request : requests) {
                            try {
                                client.send(request, HttpResponse.BodyHandlers.discarding());
                            } catch (IOException e) {
                                failed++;
                            }
                        }
                    }
                    return failed;
                }));
            }
            for (Future<Integer> one : sent) {
                failures += one.get();
            }
        } catch (Exception e) {
            LOG.warn("warm-up stopped early: {}", e.getClass().getSimpleName());
        } finally {
            client.close();
        }
        LOG.info("warm-up: {} requests in {} ms{}", ROUNDS / PARALLEL * PARALLEL * requests.size(),
                (System.nanoTime() - started) / 1_000_000, failures > 0 ? " (" + failures + " not answered)" : "");
    }

    /**
     * One full collection once start-up is done: what start-up left on the heap (loaded configuration, class
     * initialisation, the registry's first reads, the warm-up's compiled paths) moves to the old generation. Without it
     * G1 copies those ~15 MB between survivor spaces in each of the first 15 young collections under load, and each
     * of those pauses takes 15-30 ms instead of a few (bench/results/PROFILE.md). Skipped with
     * {@code -XX:+DisableExplicitGC}.
     */
    static void settleHeap() {
        long started = System.nanoTime();
        System.gc();
        LOG.info("start-up heap settled in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /** 16 random bytes as 32 hex digits (nextBytes: never waits for entropy, unlike generateSeed). */
    private static String randomHex() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private HttpRequest post(String url, String token, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("authorization", "Bearer " + token).header("content-type", "application/json")
                .header(HEADER, secret).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
