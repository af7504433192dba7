package dev.redisconnector.server;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real HTTP client for the server tests. */
final class HttpTestClient {

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String errorCode() {
            return json().getJsonObject("error").getString("code");
        }

        String errorStep() {
            return json().getJsonObject("error").getString("step");
        }

        String errorMessage() {
            return json().getJsonObject("error").getString("message");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** HTTP/1.1 only: many requests at once, each on its own connection (no HTTP/2 stream limit). */
    private final HttpClient concurrent = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    HttpTestClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Response send(String method, String path, String bearer, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends without waiting; the future fails only when no HTTP answer came at all. */
    java.util.concurrent.CompletableFuture<Response> sendAsync(String method, String path, String bearer,
                                                               String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return concurrent.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> new Response(response.statusCode(), response.body(), response.headers()));
    }

    /** {@code POST /v1/redis/execute} of one command, without waiting. */
    java.util.concurrent.CompletableFuture<Response> commandAsync(String token, String command, Object... args) {
        JsonObject body = new JsonObject().put("inputs", new JsonObject().put("command", command)
                .put("args", new io.vertx.core.json.JsonArray(java.util.Arrays.asList(args))));
        return sendAsync("POST", "/v1/redis/execute", token, body.encode());
    }

    /** {@link #send} with one extra request header. */
    Response sendWithHeader(String method, String path, String bearer, String body, String header, String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header(header, value);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response send(String method, String path, String bearer, String body) {
        return send(method, path, bearer, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    Response execute(String token, String body) {
        return send("POST", "/v1/redis/execute", token, body);
    }

    Response command(String token, String command, Object... args) {
        JsonObject body = new JsonObject().put("inputs", new JsonObject().put("command", command)
                .put("args", new io.vertx.core.json.JsonArray(java.util.Arrays.asList(args))));
        return execute(token, body.encode());
    }
}
