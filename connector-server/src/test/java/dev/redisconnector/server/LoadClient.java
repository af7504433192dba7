package dev.redisconnector.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Many requests at once over a fixed pool of keep-alive HTTP/1.1 connections (requests beyond the pool queue in the
 * client), for tests that load the server: unlike one connection per request, the client itself adds no latency.
 */
final class LoadClient implements AutoCloseable {

    /** An answer and how long it took from sending, in milliseconds. */
    record Timed(int status, JsonObject json, double millis) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;
    private final int port;

    LoadClient(int port, int connections) {
        this.port = port;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections));
    }

    /** {@code POST /v1/redis/execute} of one command. */
    CompletableFuture<Timed> command(String token, String command, Object... args) {
        JsonObject body = new JsonObject().put("inputs", new JsonObject().put("command", command)
                .put("args", new JsonArray(Arrays.asList(args))));
        return post("/v1/redis/execute", token, body.encode());
    }

    CompletableFuture<Timed> post(String path, String token, String body) {
        long sent = System.nanoTime();
        return client.request(HttpMethod.POST, port, "127.0.0.1", path)
                .compose(request -> request.putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json").send(Buffer.buffer(body)))
                .compose(response -> response.body().map(buffer -> new Timed(response.statusCode(),
                        new JsonObject(buffer), (System.nanoTime() - sent) / 1e6)))
                .toCompletionStage().toCompletableFuture();
    }

    @Override
    public void close() {
        client.close();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the load client did not close in 10 s", e);
        }
    }
}
