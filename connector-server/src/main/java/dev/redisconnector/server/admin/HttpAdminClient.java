package dev.redisconnector.server.admin;

import dev.redisconnector.core.Step;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.ConnectorException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs operator actions through a running server's admin API. Thread-safe.
 */
public final class HttpAdminClient implements AdminApi {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String adminToken;

    /**
     * @param serverUrl  e.g. {@code http://127.0.0.1:8080}
     * @param adminToken the server's {@code RC_ADMIN_TOKEN}
     */
    public HttpAdminClient(String serverUrl, String adminToken) {
        this.base = URI.create(serverUrl.endsWith("/") ? serverUrl : serverUrl + "/");
        this.adminToken = adminToken;
    }

    private JsonObject call(String method, String path, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("v1/admin/" + path))
                .timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (adminToken != null) {
            request.header("authorization", "Bearer " + adminToken);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ConnectorException.of(ErrorCode.SERVER_UNAVAILABLE, Step.ADMIN, "Could not reach the server at " + base
                    + " (" + e.getClass().getSimpleName() + ").");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ConnectorException.of(ErrorCode.SERVER_UNAVAILABLE, Step.ADMIN, "Interrupted.");
        }
        JsonObject json;
        try {
            json = new JsonObject(response.body());
        } catch (DecodeException | ClassCastException e) {
            throw ConnectorException.of(ErrorCode.BAD_RESPONSE, Step.ADMIN, "The server answered " + response.statusCode()
                    + " without a JSON body.");
        }
        if (response.statusCode() >= 400) {
            JsonObject error = json.getJsonObject("error", new JsonObject());
            throw ConnectorException.of(ErrorCode.fromName(error.getString("code"), ErrorCode.BAD_RESPONSE),
                    Step.fromWireName(error.getString("step"), Step.ADMIN),
                    error.getString("message", "The server refused the request."));
        }
        return json;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public JsonObject putService(String clientId, JsonObject body) {
        return call("PUT", "clients/" + encode(clientId) + "/service", body);
    }

    @Override
    public JsonObject getService(String clientId) {
        return call("GET", "clients/" + encode(clientId) + "/service", null);
    }

    @Override
    public JsonObject listServices() {
        return call("GET", "clients", null);
    }

    @Override
    public JsonObject deleteService(String clientId) {
        return call("DELETE", "clients/" + encode(clientId) + "/service", null);
    }

    @Override
    public JsonObject putCredentials(String clientId, JsonObject body) {
        return call("PUT", "clients/" + encode(clientId) + "/credentials", body);
    }

    @Override
    public JsonObject deleteCredentials(String clientId) {
        return call("DELETE", "clients/" + encode(clientId) + "/credentials", null);
    }

    @Override
    public JsonObject reencryptCredentials() {
        return call("POST", "credentials/reencrypt", null);
    }

    @Override
    public JsonObject testConnection(String clientId) {
        return call("POST", "clients/" + encode(clientId) + "/test", null);
    }

    @Override
    public JsonObject patchService(String clientId, JsonObject patch) {
        return call("PATCH", "clients/" + encode(clientId) + "/service", patch);
    }

    @Override
    public JsonObject acl(String clientId) {
        return call("GET", "clients/" + encode(clientId) + "/acl", null);
    }

    @Override
    public JsonObject createSession(JsonObject body) {
        return call("POST", "sessions", body);
    }

    @Override
    public JsonObject listSessions(String clientId, int limit) {
        return call("GET", "sessions?limit=" + limit + (clientId == null ? "" : "&clientId=" + encode(clientId)),
                null);
    }

    @Override
    public JsonObject revokeSession(String sessionId) {
        return call("DELETE", "sessions/" + encode(sessionId), null);
    }

    @Override
    public JsonObject audit(String clientId, String userId, String since, String until, String outcome, int limit) {
        StringBuilder query = new StringBuilder("?limit=").append(limit);
        for (String[] pair : new String[][] {{"clientId", clientId}, {"userId", userId}, {"since", since},
                {"until", until}, {"outcome", outcome}}) {
            if (pair[1] != null) {
                query.append('&').append(pair[0]).append('=').append(encode(pair[1]));
            }
        }
        return call("GET", "/audit" + query, null);
    }
}
