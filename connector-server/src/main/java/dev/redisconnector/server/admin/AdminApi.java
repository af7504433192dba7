package dev.redisconnector.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * The operator actions, whether run against the registry directly ({@link AdminService}) or through a running
 * server's admin API ({@link HttpAdminClient}), with {@link AdminModel} records in and out. Failures are
 * {@link dev.redisconnector.core.ConnectorException}s.
 */
public interface AdminApi extends AutoCloseable {

    ServiceView putService(String clientId, ServiceRequest body);

    ServiceView getService(String clientId);

    /**
     * Changes some fields of a client's service, keeping the others: {@code policy} (merged field by field),
     * {@code tls} (merged), {@code connectTimeoutMs}/{@code commandTimeoutMs} ({@code null}: the default),
     * {@code database}, {@code host}, {@code port}. A patch is partial by nature, so it is a JSON object.
     */
    ServiceView patchService(String clientId, ObjectNode patch);

    ServiceList listServices();

    Deleted deleteService(String clientId);

    CredentialsView putCredentials(String clientId, CredentialsRequest body);

    Deleted deleteCredentials(String clientId);

    Reencrypted reencryptCredentials();

    ConnectionTest testConnection(String clientId);

    /** The ACL SETUSER line matching the client's policy, and whether its Redis user confines scripts now. */
    AclView acl(String clientId);

    IssuedSessionView createSession(SessionRequest body);

    SessionList listSessions(String clientId, int limit);

    Revoked revokeSession(String sessionId);

    /** Audit entries, newest first; every filter may be {@code null}. See {@code AdminService#audit}. */
    AuditList audit(String clientId, String userId, String since, String until, String outcome, int limit);

    @Override
    default void close() {
    }
}
