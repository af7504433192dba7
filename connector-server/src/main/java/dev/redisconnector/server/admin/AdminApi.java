package dev.redisconnector.server.admin;

import io.vertx.core.json.JsonObject;

/**
 * The operator actions, whether run against the registry directly ({@link AdminService}) or through a running
 * server's admin API ({@link HttpAdminClient}). Failures are
 * {@link dev.redisconnector.core.ConnectorException}s.
 */
public interface AdminApi extends AutoCloseable {

    JsonObject putService(String clientId, JsonObject body);

    JsonObject getService(String clientId);

    /** Changes some fields of a client's service, keeping the others. */
    JsonObject patchService(String clientId, JsonObject patch);

    JsonObject listServices();

    JsonObject deleteService(String clientId);

    JsonObject putCredentials(String clientId, JsonObject body);

    JsonObject deleteCredentials(String clientId);

    JsonObject reencryptCredentials();

    JsonObject testConnection(String clientId);

    /** The ACL SETUSER line matching the client's policy, and whether its Redis user confines scripts now. */
    JsonObject acl(String clientId);

    JsonObject createSession(JsonObject body);

    JsonObject listSessions(String clientId, int limit);

    JsonObject revokeSession(String sessionId);

    @Override
    default void close() {
    }

    /** Audit entries, newest first; every filter may be {@code null}. See {@code AdminService#audit}. */
    JsonObject audit(String clientId, String userId, String since, String until, String outcome, int limit);
}
