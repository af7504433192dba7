package dev.redisconnector.server.admin;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.redisconnector.server.http.AdminErrors;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the admin API takes and answers, as records: the HTTP routes, the CLI (through a server or on the registry
 * directly) and tests exchange exactly these, bound to and from JSON by {@link AdminJson}. {@code null} means absent.
 * Immutable.
 */
public final class AdminModel {

    private AdminModel() {
    }

    // ---------------------------------------------------------------------------------------------------- requests

    /**
     * A service definition ({@code PUT /v1/admin/clients/{id}/service}); or, with {@code url}, a {@code redis://} or
     * {@code rediss://} URL to import (then only {@code noPassword}, {@code tlsCaCertificatePem} and {@code policy}
     * may go with it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceRequest(String mode, String host, Long port, Long database, Tls tls, Long connectTimeoutMs,
                                 Long commandTimeoutMs, String masterName, List<String> nodes, Policy policy,
                                 String url, Boolean noPassword, String tlsCaCertificatePem) {

        /** A URL import. */
        public static ServiceRequest ofUrl(String url, boolean noPassword, String tlsCaCertificatePem) {
            return new ServiceRequest(null, null, null, null, null, null, null, null, null, null, url,
                    noPassword ? Boolean.TRUE : null, tlsCaCertificatePem);
        }
    }

    /** TLS settings: {@code true}, {@code false}, or an object with these fields. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tls(Boolean enabled, Boolean verifyHostname, String caCertificatePem) {

        static final Set<String> FIELDS = Set.of("enabled", "verifyHostname", "caCertificatePem");

        /** {@code true} / {@code false}, or the object form; anything else is refused naming the forms. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Tls of(JsonNode node) {
            if (node.isBoolean()) {
                return new Tls(node.booleanValue(), true, null);
            }
            if (!node.isObject()) {
                throw AdminErrors.invalid("tls must be true, false or {\"enabled\": true, \"verifyHostname\": true,"
                        + " \"caCertificatePem\": \"...\"}.");
            }
            return AdminJson.bind(node, "tls.", Fields.class).tls();
        }

        /** The object form, bound strictly (unknown fields refused). */
        record Fields(Boolean enabled, Boolean verifyHostname, String caCertificatePem) {
            Tls tls() {
                return new Tls(enabled, verifyHostname, caCertificatePem);
            }
        }
    }

    /** A service's command policy; see docs/POLICY.md. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Policy(String mode, List<String> allow, List<String> deny, List<String> keyPrefixes,
                         Boolean scripting) {
    }

    /** Credentials: {@code kind} {@code none} or {@code password}, with the optional extras. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CredentialsRequest(String kind, String username, String password, SentinelAuth sentinel,
                                     TlsClient tlsClient) {
    }

    /** The sentinels' own login. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SentinelAuth(String username, String password) {
    }

    /** A TLS client certificate and its PKCS#8 key, PEM. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TlsClient(String certificatePem, String keyPem) {
    }

    /** A session to issue. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionRequest(String userId, String clientId, Long ttlSeconds, Boolean readOnly) {
    }

    // ----------------------------------------------------------------------------------------------------- answers

    /** A stored service, what may be shown of its credentials, and, after a change, what changed. */
    public record ServiceView(String clientId, String serviceId, long version, String mode, String host, int port,
                              int database, String masterName, List<String> nodes, TlsView tls, Policy policy,
                              Long connectTimeoutMs, Long commandTimeoutMs, String createdAt, String updatedAt,
                              CredentialsView credentials,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean created,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Change> changed,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String warning,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean credentialsImported) {

        /** The same view with the outcome of a change. */
        ServiceView withOutcome(Boolean created, Map<String, Change> changed, String warning,
                                Boolean credentialsImported) {
            return new ServiceView(clientId, serviceId, version, mode, host, port, database, masterName, nodes, tls,
                    policy, connectTimeoutMs, commandTimeoutMs, createdAt, updatedAt, credentials, created, changed,
                    warning, credentialsImported);
        }
    }

    /** A stored service's TLS settings (the CA certificate itself is never shown, only whether there is one). */
    public record TlsView(boolean enabled, boolean verifyHostname, boolean customCa) {
    }

    /** One changed field: its value before and after. */
    public record Change(Object from, Object to) {
    }

    /** Every registered service. */
    public record ServiceList(List<ServiceView> services) {
    }

    /** What may be shown of stored credentials (never a password or key). */
    public record CredentialsView(String kind, String username, boolean sentinelAuth, boolean tlsClientCertificate,
                                  String setAt) {
    }

    /** The outcome of a connection test: {@code ok}, or the code and message of the failure. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConnectionTest(String clientId, String host, Integer port, Boolean ok, Boolean reachable,
                                 Boolean authenticated, String serverVersion, String role, String mode,
                                 String protocol, Double latencyMs, String currentMaster, List<String> sentinels,
                                 String clusterState, Integer clusterKnownNodes, TlsReport tls, String code,
                                 String message) {
    }

    /** What a TLS handshake negotiated. */
    public record TlsReport(String protocol, String peerSubject) {
    }

    /** The {@code ACL SETUSER} line that confines a client's Redis user, and whether it is confined now. */
    public record AclView(String clientId, String user, String aclSetUser, boolean scripting, boolean confined,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String problem) {
    }

    /** A session (never its token). */
    public record SessionView(String sessionId, String userId, String clientId, boolean readOnly, String createdAt,
                              String expiresAt, String revokedAt,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean live) {
    }

    /** A session just issued: its token, shown this once. */
    public record IssuedSessionView(String token, SessionView session) {
    }

    /** Sessions, newest first. */
    public record SessionList(List<SessionView> sessions) {
    }

    /** One audit entry (never argument values), with the instance that served it ({@code RC_INSTANCE_ID}). */
    public record AuditEntryView(String at, String userId, String clientId, String command, Integer keys,
                                 String outcome, double durationMs, long replyBytes, String instance) {
    }

    /**
     * Read-only commands of one minute for one (client, user, command, outcome), counted rather than an entry each
     * ({@code RC_AUDIT_LEVEL=writes}).
     */
    public record AuditCountView(String minute, String userId, String clientId, String command, String outcome,
                                 long commands, double durationMs, long replyBytes) {
    }

    /** Audit entries and counts, newest first. */
    public record AuditList(List<AuditEntryView> entries, List<AuditCountView> counts) {
    }

    /** {@code {"deleted": true}}. */
    public record Deleted(boolean deleted) {
    }

    /** {@code {"revoked": true}}. */
    public record Revoked(boolean revoked) {
    }

    /** How many stored secrets were re-encrypted with the current key. */
    public record Reencrypted(int reencrypted) {
    }
}
