package dev.redisconnector.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client for the server tests. */
final class HttpTestClient {

    record Response(int status, String body, HttpHeaders headers) {
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
        return send(request(method, path, bearer, body, null, null));
    }

    /** A request with the bearer token, the body (JSON) and one extra header when given. */
    private HttpRequest request(String method, String path, String bearer, byte[] body, String header,
                                String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body != null && !"content-type".equalsIgnoreCase(header)) {
            request.header("Content-Type", "application/json");
        }
        if (header != null) {
            request.header(header, value);
        }
        return request.build();
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends without waiting; the future fails only when no HTTP answer came at all. */
    CompletableFuture<Response> sendAsync(String method, String path, String bearer, String body) {
        return concurrent.sendAsync(request(method, path, bearer, body == null ? null
                        : body.getBytes(StandardCharsets.UTF_8), null, null),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> new Response(response.statusCode(), response.body(), response.headers()));
    }

    /** {@code POST /v1/redis/execute} of one command, without waiting. */
    CompletableFuture<Response> commandAsync(String token, String command, Object... args) {
        JsonObject body = new JsonObject().put("inputs", new JsonObject().put("command", command)
                .put("args", new JsonArray(Arrays.asList(args))));
        return sendAsync("POST", "/v1/redis/execute", token, body.encode());
    }

    /** {@link #send} with one extra request header. */
    Response sendWithHeader(String method, String path, String bearer, String body, String header, String value) {
        return send(request(method, path, bearer, body == null ? null : body.getBytes(StandardCharsets.UTF_8), header,
                value));
    }

    Response send(String method, String path, String bearer, String body) {
        return send(method, path, bearer, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    Response execute(String token, String body) {
        return send("POST", "/v1/redis/execute", token, body);
    }

    Response command(String token, String command, Object... args) {
        JsonObject body = new JsonObject().put("inputs", new JsonObject().put("command", command)
                .put("args", new JsonArray(Arrays.asList(args))));
        return execute(token, body.encode());
    }
}
