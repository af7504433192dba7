package dev.redisconnector.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.server.admin.AdminModel.AclView;
import dev.redisconnector.server.admin.AdminModel.AuditList;
import dev.redisconnector.server.admin.AdminModel.ConnectionTest;
import dev.redisconnector.server.admin.AdminModel.CredentialsRequest;
import dev.redisconnector.server.admin.AdminModel.CredentialsView;
import dev.redisconnector.server.admin.AdminModel.Deleted;
import dev.redisconnector.server.admin.AdminModel.IssuedSessionView;
import dev.redisconnector.server.admin.AdminModel.Reencrypted;
import dev.redisconnector.server.admin.AdminModel.Revoked;
import dev.redisconnector.server.admin.AdminModel.ServiceList;
import dev.redisconnector.server.admin.AdminModel.ServiceRequest;
import dev.redisconnector.server.admin.AdminModel.ServiceView;
import dev.redisconnector.server.admin.AdminModel.SessionList;
import dev.redisconnector.server.admin.AdminModel.SessionRequest;
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

    private <T> T call(String method, String path, Object body, Class<T> answer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("v1/admin/" + path))
                .timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(AdminJson.write(body)));
        if (adminToken != null) {
            request.header("authorization", "Bearer " + adminToken);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ConnectorException.of(ErrorCode.SERVER_UNAVAILABLE, Step.ADMIN, "Could not reach the server at "
                    + base + " (" + e.getClass().getSimpleName() + ").");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ConnectorException.of(ErrorCode.SERVER_UNAVAILABLE, Step.ADMIN, "Interrupted.");
        }
        JsonNode json;
        try {
            json = AdminJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw ConnectorException.of(ErrorCode.BAD_RESPONSE, Step.ADMIN, "The server answered "
                    + response.statusCode() + " without a JSON body.");
        }
        if (response.statusCode() >= 400) {
            JsonNode error = json.path("error");
            throw ConnectorException.of(ErrorCode.fromName(error.path("code").asText(null), ErrorCode.BAD_RESPONSE),
                    Step.fromWireName(error.path("step").asText(null), Step.ADMIN),
                    error.path("message").asText("The server refused the request."));
        }
        try {
            return AdminJson.answer(json, answer);
        } catch (IllegalStateException e) {
            throw ConnectorException.of(ErrorCode.BAD_RESPONSE, Step.ADMIN, "The server's answer to " + method + " "
                    + path + " is not the shape this CLI knows (a different version?).");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String client(String clientId) {
        return "clients/" + encode(clientId);
    }

    @Override
    public ServiceView putService(String clientId, ServiceRequest body) {
        return call("PUT", client(clientId) + "/service", body, ServiceView.class);
    }

    @Override
    public ServiceView getService(String clientId) {
        return call("GET", client(clientId) + "/service", null, ServiceView.class);
    }

    @Override
    public ServiceView patchService(String clientId, ObjectNode patch) {
        return call("PATCH", client(clientId) + "/service", patch, ServiceView.class);
    }

    @Override
    public ServiceList listServices() {
        return call("GET", "clients", null, ServiceList.class);
    }

    @Override
    public Deleted deleteService(String clientId) {
        return call("DELETE", client(clientId) + "/service", null, Deleted.class);
    }

    @Override
    public CredentialsView putCredentials(String clientId, CredentialsRequest body) {
        return call("PUT", client(clientId) + "/credentials", body, CredentialsView.class);
    }

    @Override
    public Deleted deleteCredentials(String clientId) {
        return call("DELETE", client(clientId) + "/credentials", null, Deleted.class);
    }

    @Override
    public Reencrypted reencryptCredentials() {
        return call("POST", "credentials/reencrypt", null, Reencrypted.class);
    }

    @Override
    public ConnectionTest testConnection(String clientId) {
        return call("POST", client(clientId) + "/test", null, ConnectionTest.class);
    }

    @Override
    public AclView acl(String clientId) {
        return call("GET", client(clientId) + "/acl", null, AclView.class);
    }

    @Override
    public IssuedSessionView createSession(SessionRequest body) {
        return call("POST", "sessions", body, IssuedSessionView.class);
    }

    @Override
    public SessionList listSessions(String clientId, int limit) {
        return call("GET", "sessions?limit=" + limit + (clientId == null ? "" : "&clientId=" + encode(clientId)),
                null, SessionList.class);
    }

    @Override
    public Revoked revokeSession(String sessionId) {
        return call("DELETE", "sessions/" + encode(sessionId), null, Revoked.class);
    }

    @Override
    public AuditList audit(String clientId, String userId, String since, String until, String outcome, int limit) {
        StringBuilder query = new StringBuilder("?limit=").append(limit);
        for (String[] pair : new String[][] {{"clientId", clientId}, {"userId", userId}, {"since", since},
                {"until", until}, {"outcome", outcome}}) {
            if (pair[1] != null) {
                query.append('&').append(pair[0]).append('=').append(encode(pair[1]));
            }
        }
        return call("GET", "audit" + query, null, AuditList.class);
    }
}
