package dev.redisconnector.server.admin;

import static dev.redisconnector.server.admin.AdminJson.bool;
import static dev.redisconnector.server.admin.AdminJson.changes;
import static dev.redisconnector.server.admin.AdminJson.checkClient;
import static dev.redisconnector.server.admin.AdminJson.credentials;
import static dev.redisconnector.server.admin.AdminJson.definition;
import static dev.redisconnector.server.admin.AdminJson.definitionJson;
import static dev.redisconnector.server.admin.AdminJson.instant;
import static dev.redisconnector.server.admin.AdminJson.number;
import static dev.redisconnector.server.admin.AdminJson.object;
import static dev.redisconnector.server.admin.AdminJson.onlyFields;
import static dev.redisconnector.server.admin.AdminJson.policy;
import static dev.redisconnector.server.admin.AdminJson.requireBody;
import static dev.redisconnector.server.admin.AdminJson.safe;
import static dev.redisconnector.server.admin.AdminJson.session;
import static dev.redisconnector.server.admin.AdminJson.string;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ConnectionReport;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.execution.HostPolicy;
import dev.redisconnector.core.internal.ExecutionErrors;
import dev.redisconnector.core.policy.AclPlan;
import dev.redisconnector.core.policy.ScriptConfinement;
import dev.redisconnector.core.policy.ScriptVerifier;
import dev.redisconnector.core.policy.ServicePolicy;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.AuditTrail;
import dev.redisconnector.registry.CredentialsInfo;
import dev.redisconnector.registry.CredentialsInput;
import dev.redisconnector.registry.IssuedSession;
import dev.redisconnector.registry.JdbcServiceRegistry;
import dev.redisconnector.registry.RedisUrl;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.registry.ServiceRecord;
import dev.redisconnector.server.http.AdminErrors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on the registry, as JSON objects in and out. Blocking (JDBC, connection tests): call from a worker
 * thread. Never returns a password or token except the token of a session it just created. Thread-safe.
 */
public final class AdminService implements AdminApi {

    private static final Set<String> SERVICE_FIELDS = Set.of("mode", "host", "port", "database", "tls",
            "connectTimeoutMs", "commandTimeoutMs", "masterName", "nodes", "url", "policy", "noPassword",
            "tlsCaCertificatePem");
    private static final Set<String> CREDENTIAL_FIELDS = Set.of("kind", "username", "password", "sentinel",
            "tlsClient");
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
    /** Longest session a token may be issued for: 366 days. */
    static final long MAX_SESSION_TTL_SECONDS = 366L * 24 * 3600;
    private static final Set<String> SESSION_FIELDS = Set.of("userId", "clientId", "ttlSeconds", "readOnly");

    private final Registry registry;
    private final CommandExecutor executor;
    private final Duration defaultSessionTtl;
    private final ScriptVerifier scriptVerifier;

    public AdminService(Registry registry, CommandExecutor executor, Duration defaultSessionTtl) {
        this.registry = registry;
        this.executor = executor;
        this.defaultSessionTtl = defaultSessionTtl;
        // checks on demand: nothing cached, so an ACL changed a moment ago is what the operator sees
        this.scriptVerifier = new ScriptVerifier(executor, Duration.ofSeconds(10), Duration.ZERO);
    }

    /**
     * The {@code ACL SETUSER} line that confines the client's Redis user (and so its scripts) to the service's policy,
     * and whether the user stored for the service is confined now.
     */
    @Override
    public JsonObject acl(String clientId) {
        checkClient(clientId);
        RedisService service = recordOf(clientId).service();
        Optional<RedisCredentials> credentials = credentialsOf(service);
        if (credentials.isEmpty()) {
            throw ConnectorException.of(ErrorCode.NO_CREDENTIALS, Step.CREDENTIALS, "No credentials are stored for the Redis"
                    + " service of client '" + clientId + "'; the ACL line is made from the server's command table.");
        }
        ExecutionTarget target = new ExecutionTarget(service, credentials.get());
        String user = credentials.get().username() != null ? credentials.get().username() : clientId;
        AclPlan plan = await(scriptVerifier.plan(target), 20, "ACL check");
        ScriptConfinement verdict = await(scriptVerifier.verdict(target), 20, "ACL check");
        JsonObject out = new JsonObject().put("clientId", clientId).put("user", user)
                .put("aclSetUser", plan.setUserLine(user))
                .put("scripting", service.policy().scripting())
                .put("confined", verdict.confined());
        if (plan.impossibility() != null) {
            out.put("problem", plan.impossibility());
        } else if (!verdict.confined()) {
            out.put("problem", verdict.problem());
        }
        return out;
    }

    private ServiceRecord recordOf(String clientId) {
        return registry.services().get(clientId)
                .orElseThrow(() -> AdminErrors.notFound("No Redis service exists for client '" + clientId + "'."));
    }

    private Optional<RedisCredentials> credentialsOf(RedisService service) {
        return await(registry.credentials().findCredentials(service), 10, "credential lookup");
    }

    /**
     * Waits for one admin-side lookup. A {@link ConnectorException} comes out as it is (it carries its own code and
     * step); anything else is an internal failure named after {@code what}.
     */
    private static <T> T await(CompletionStage<T> stage, long seconds, String what) {
        try {
            return stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectorException failure) {
                throw failure;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish", e);
        }
    }

    /** Creates or replaces a client's service. */
    @Override
    public JsonObject putService(String clientId, JsonObject body) {
        checkClient(clientId);
        requireBody(body);
        onlyFields(body, SERVICE_FIELDS);
        if (body.containsKey("url")) {
            return importUrl(clientId, body);
        }
        if (body.containsKey("noPassword") || body.containsKey("tlsCaCertificatePem")) {
            throw AdminErrors.invalid("noPassword and tlsCaCertificatePem go with url; a service without one sets"
                    + " tls.caCertificatePem and its credentials separately.");
        }
        return store(clientId, definition(body));
    }

    /** Fields a partial update may change; everything else is kept as stored. */
    private static final Set<String> PATCH_FIELDS = Set.of("policy", "connectTimeoutMs", "commandTimeoutMs", "tls",
            "database", "host", "port");

    /**
     * Changes some fields of a client's service and keeps the others ({@code PATCH}): the policy (itself merged
     * field by field, so {@code {"policy": {"mode": "read-only"}}} keeps the allow/deny rules, key prefixes and
     * scripting), timeouts ({@code null} for the default), TLS, database, host and port.
     */
    @Override
    public JsonObject patchService(String clientId, JsonObject patch) {
        checkClient(clientId);
        requireBody(patch);
        onlyFields(patch, PATCH_FIELDS);
        ServiceRecord current = recordOf(clientId);
        JsonObject merged = definitionJson(current.service());
        for (String field : patch.fieldNames()) {
            Object value = patch.getValue(field);
            if (field.equals("policy") && value instanceof JsonObject policyPatch) {
                onlyFields(policyPatch, Set.of("mode", "allow", "deny", "keyPrefixes", "scripting"));
                merged.getJsonObject("policy").mergeIn(policyPatch);
            } else if (field.equals("tls") && value instanceof JsonObject tlsPatch
                    && merged.getValue("tls") instanceof JsonObject stored) {
                stored.mergeIn(tlsPatch);
            } else {
                merged.put(field, value);
            }
        }
        return store(clientId, definition(merged));
    }

    /** Saves a definition; the answer says what changed and whether the stored credentials had to go. */
    private JsonObject store(String clientId, ServiceDefinition definition) {
        refuseUnreachableAddresses(definition);
        JsonObject before = registry.services().get(clientId).map(record -> definitionJson(record.service()))
                .orElse(null);
        JdbcServiceRegistry.PutResult result = registry.services().put(clientId, definition);
        JsonObject out = service(result.record());
        out.put("created", result.created());
        if (before != null) {
            out.put("changed", changes(before, definitionJson(result.record().service())));
        }
        if (result.credentialsDropped()) {
            out.put("warning", "The service now points at another server, so its stored credentials were deleted;"
                    + " set them again.");
        }
        return out;
    }

    /**
     * A literal address the host policy refuses whatever the settings (link-local, cloud metadata, unspecified,
     * multicast) is refused when saved, rather than failing on every request later. Names are not resolved here:
     * they are checked on every connection.
     */
    private static void refuseUnreachableAddresses(ServiceDefinition definition) {
        List<String> hosts = new ArrayList<>();
        if (definition.host() != null) {
            hosts.add(definition.host());
        }
        definition.nodes().forEach(node -> hosts.add(node.host()));
        for (String host : hosts) {
            if (HostPolicy.alwaysRefusesLiteral(host)) {
                throw AdminErrors.invalid("host " + host + " is a link-local, cloud metadata or unspecified address;"
                        + " the connector never connects to it (SSRF protection). Register the Redis server's own"
                        + " address.");
            }
        }
    }

    /** {@code {"url": "rediss://user:pass@host:port/db"}}: the service, plus its credentials when the URL has some. */
    private JsonObject importUrl(String clientId, JsonObject body) {
        for (String name : body.fieldNames()) {
            if (!Set.of("url", "noPassword", "tlsCaCertificatePem", "policy").contains(name)) {
                throw AdminErrors.invalid("url can be combined only with noPassword, tlsCaCertificatePem and policy"
                        + " (not '" + safe(name) + "').");
            }
        }
        RedisUrl url;
        try {
            url = RedisUrl.parse(string(body, "url", null));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
        boolean noPassword = bool(body, "noPassword", false);
        if (noPassword && url.credentials() != null) {
            throw AdminErrors.invalid("noPassword was given, but the url holds a password.");
        }
        ServiceDefinition definition = url.definition();
        String ca = string(body, "tlsCaCertificatePem", null);
        if (ca != null) {
            if (!definition.tls().enabled()) {
                throw AdminErrors.invalid("tlsCaCertificatePem needs a rediss:// url (TLS).");
            }
            definition = definition.withTls(new RedisService.TlsSettings(true, definition.tls().verifyHostname(), ca));
        }
        ServicePolicy policy = policy(body);
        if (policy != null) {
            definition = new ServiceDefinition(definition.mode(), definition.host(), definition.port(),
                    definition.database(), definition.tls(), definition.connectTimeout(), definition.commandTimeout(),
                    definition.masterName(), definition.nodes(), policy);
        }
        refuseUnreachableAddresses(definition);
        JdbcServiceRegistry.PutResult result;
        try {
            result = registry.services().put(clientId, definition);
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
        if (url.credentials() != null) {
            registry.credentials().set(clientId, url.credentials());
        } else if (noPassword) {
            registry.credentials().set(clientId, CredentialsInput.none());
        }
        ServiceRecord stored = registry.services().get(clientId).orElse(result.record());
        return service(stored).put("created", result.created()).put("credentialsImported", url.credentials() != null
                || noPassword);
    }

    /** A client's service with what may be shown of its credentials. */
    @Override
    public JsonObject getService(String clientId) {
        checkClient(clientId);
        ServiceRecord record = recordOf(clientId);
        return service(record);
    }

    /** Every registered service. */
    @Override
    public JsonObject listServices() {
        JsonArray services = new JsonArray();
        registry.services().list().forEach(record -> services.add(service(record)));
        return new JsonObject().put("services", services);
    }

    /** Deletes a client's service and credentials. */
    @Override
    public JsonObject deleteService(String clientId) {
        checkClient(clientId);
        if (!registry.services().delete(clientId)) {
            throw AdminErrors.notFound("No Redis service exists for client '" + clientId + "'.");
        }
        return new JsonObject().put("deleted", true);
    }

    /** Sets a client's credentials: {@code {"kind": "none"}} or {@code {"kind": "password", "password", "username"}}. */
    @Override
    public JsonObject putCredentials(String clientId, JsonObject body) {
        checkClient(clientId);
        requireBody(body);
        onlyFields(body, CREDENTIAL_FIELDS);
        String kind = string(body, "kind", body.containsKey("password") ? "password" : null);
        if (kind == null) {
            throw AdminErrors.invalid("kind is required: \"none\" or \"password\".");
        }
        RedisCredentials.Kind parsedKind = switch (kind.toLowerCase(Locale.ROOT)) {
            case "none" -> RedisCredentials.Kind.NONE;
            case "password" -> RedisCredentials.Kind.PASSWORD;
            default -> throw AdminErrors.invalid("kind must be \"none\" or \"password\".");
        };
        if (parsedKind == RedisCredentials.Kind.PASSWORD && (string(body, "password", null) == null
                || string(body, "password", null).isEmpty())) {
            throw AdminErrors.invalid("password is required for kind password.");
        }
        JsonObject sentinel = object(body, "sentinel", Set.of("username", "password"));
        JsonObject tlsClient = object(body, "tlsClient", Set.of("certificatePem", "keyPem"));
        CredentialsInfo info;
        try {
            info = registry.credentials().set(clientId, new CredentialsInput(parsedKind, string(body, "username", null),
                    string(body, "password", null),
                    sentinel == null ? null : string(sentinel, "username", null),
                    sentinel == null ? null : string(sentinel, "password", null),
                    tlsClient == null ? null : string(tlsClient, "certificatePem", null),
                    tlsClient == null ? null : string(tlsClient, "keyPem", null)));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".");
        }
        return credentials(info);
    }

    /** Deletes a client's credentials. */
    @Override
    public JsonObject deleteCredentials(String clientId) {
        checkClient(clientId);
        if (!registry.credentials().delete(clientId)) {
            throw AdminErrors.notFound("No credentials are stored for client '" + clientId + "'.");
        }
        return new JsonObject().put("deleted", true);
    }

    /** Re-encrypts every password with the current write key. */
    @Override
    public JsonObject reencryptCredentials() {
        return new JsonObject().put("reencrypted", registry.credentials().reencryptAll());
    }

    /**
     * Tests the client's service with a fresh connection: {@code ok}, reachability, authentication, server version
     * and role, or the code and message of the failure.
     */
    @Override
    public JsonObject testConnection(String clientId) {
        checkClient(clientId);
        RedisService service = recordOf(clientId).service();
        JsonObject out = new JsonObject().put("clientId", clientId).put("host", service.host())
                .put("port", service.port());
        Optional<RedisCredentials> credentials;
        try {
            credentials = credentialsOf(service);
        } catch (ConnectorException failure) {
            return failed(out, failure);
        }
        if (credentials.isEmpty()) {
            return out.put("ok", false).put("code", "NO_CREDENTIALS")
                    .put("message", "No credentials are stored for the Redis service of client '" + clientId + "'.");
        }
        Duration wait = (service.connectTimeout() == null ? Duration.ofSeconds(5) : service.connectTimeout())
                .plus(service.commandTimeout() == null ? Duration.ofSeconds(5) : service.commandTimeout().multipliedBy(3))
                .plusSeconds(1);
        try {
            ConnectionReport report = executor.testConnection(new ExecutionTarget(service, credentials.get()))
                    .toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            out.put("ok", true).put("reachable", true).put("authenticated", true)
                    .put("serverVersion", report.serverVersion()).put("role", report.role())
                    .put("mode", report.mode()).put("protocol", report.protocol())
                    .put("latencyMs", Math.round(report.latencyMillis() * 100) / 100.0);
            if (report.currentMaster() != null) {
                out.put("currentMaster", report.currentMaster());
            }
            if (report.sentinels() != null) {
                // the sentinels asked, each with its answer; the address tested is the master they name
                out.put("sentinels", new JsonArray(report.sentinels()));
                int colon = report.currentMaster() == null ? -1 : report.currentMaster().lastIndexOf(':');
                if (colon > 0 && report.currentMaster().substring(colon + 1).matches("\\d+")) {
                    out.put("host", report.currentMaster().substring(0, colon))
                            .put("port", Integer.parseInt(report.currentMaster().substring(colon + 1)));
                }
            }
            if (report.clusterState() != null) {
                out.put("clusterState", report.clusterState()).put("clusterKnownNodes", report.clusterKnownNodes());
            }
            if (report.tlsProtocol() != null) {
                out.put("tls", new JsonObject().put("protocol", report.tlsProtocol())
                        .put("peerSubject", report.tlsPeerSubject()));
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectorException failure) {
                return failed(out, failure, service.tls().enabled(), service.connectTimeout() != null
                        ? service.connectTimeout() : ConnectorOptions.DEFAULT_CONNECT_TIMEOUT);
            }
            throw new IllegalStateException("connection test failed", e.getCause());
        } catch (TimeoutException e) {
            return out.put("ok", false).put("reachable", false).put("code", "TIMEOUT")
                    .put("message", "The connection test did not finish within " + wait.toMillis() + " ms.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonObject failed(JsonObject out, ConnectorException failure) {
        return failed(out, failure, false, null);
    }

    private static JsonObject failed(JsonObject out, ConnectorException failure, boolean tls, Duration connectTimeout) {
        String detail = ExecutionErrors.operatorDetail(failure.getCause(), tls, connectTimeout);
        if (detail != null) {
            // the operator learns what end users never see: the name did not resolve, or the host policy refused it
            String message = failure.getMessage();
            LOG.info("connection test failed client={} code={} detail={}", out.getString("clientId"),
                    failure.code().name(), detail);
            return out.put("ok", false).put("reachable", false).put("authenticated", false)
                    .put("code", failure.code().name()).put("message", (message.endsWith(".")
                            ? message.substring(0, message.length() - 1) : message) + ": " + detail + ".");
        }
        LOG.info("connection test failed client={} code={}", out.getString("clientId"), failure.code().name());
        boolean reachable = failure.code() == ErrorCode.REDIS_AUTH_FAILED
                || failure.code() == ErrorCode.REDIS_ERROR;
        return out.put("ok", false).put("reachable", reachable)
                .put("authenticated", failure.code() == ErrorCode.REDIS_ERROR)
                .put("code", failure.code().name()).put("message", failure.getMessage());
    }

    /** Creates a session; the response holds the token, shown this once. */
    @Override
    public JsonObject createSession(JsonObject body) {
        requireBody(body);
        onlyFields(body, SESSION_FIELDS);
        String userId = string(body, "userId", null);
        String clientId = string(body, "clientId", null);
        if (userId == null || clientId == null) {
            throw AdminErrors.invalid("userId and clientId are required.");
        }
        checkClient(clientId);
        if (registry.services().get(clientId).isEmpty()) {
            throw AdminErrors.notFound("No Redis service exists for client '" + clientId + "'; register one first"
                    + " (service set " + clientId + " ...), then create sessions for it.");
        }
        if (userId.isEmpty() || userId.length() > 200 || userId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw AdminErrors.invalid("userId must be 1-200 characters without control characters.");
        }
        Object rawTtl = body.getValue("ttlSeconds");
        if (rawTtl instanceof Number number && (number.doubleValue() < 1
                || number.doubleValue() > MAX_SESSION_TTL_SECONDS)) {
            throw AdminErrors.invalid("ttlSeconds must be between 1 and " + MAX_SESSION_TTL_SECONDS + " (366 days).");
        }
        long ttlSeconds = number(body, "ttlSeconds", defaultSessionTtl.toSeconds());
        Object readOnly = body.getValue("readOnly");
        if (readOnly != null && !(readOnly instanceof Boolean)) {
            throw AdminErrors.invalid("readOnly must be true or false.");
        }
        IssuedSession issued = registry.sessions().create(userId, clientId, Duration.ofSeconds(ttlSeconds),
                Boolean.TRUE.equals(readOnly));
        return new JsonObject().put("token", issued.token()).put("session", session(issued.info()));
    }

    /** Sessions of a client (or all), newest first. */
    @Override
    public JsonObject listSessions(String clientId, int limit) {
        if (clientId != null) {
            checkClient(clientId);
        }
        JsonArray sessions = new JsonArray();
        Instant now = Instant.now();
        registry.sessions().list(clientId, Math.min(Math.max(limit, 1), 1000))
                .forEach(info -> sessions.add(session(info).put("live", info.isLive(now))));
        return new JsonObject().put("sessions", sessions);
    }

    /**
     * Audit entries, newest first. {@code since}/{@code until}: a duration back from now ({@code 90s}, {@code 15m},
     * {@code 1h}, {@code 7d}) or an ISO-8601 instant; every filter optional.
     */
    @Override
    public JsonObject audit(String clientId, String userId, String since, String until, String outcome, int limit) {
        if (clientId != null) {
            checkClient(clientId);
        }
        Instant now = Instant.now();
        List<AuditTrail.Entry> entries = registry.queryAudit(
                new AuditTrail.Query(clientId, userId, instant(since, now, "since"),
                        instant(until, now, "until"), outcome == null ? null
                        : outcome.toUpperCase(Locale.ROOT), Math.min(Math.max(limit, 1), 10_000)));
        JsonArray out = new JsonArray();
        for (AuditTrail.Entry entry : entries) {
            out.add(new JsonObject().put("at", entry.at().toString()).put("userId", entry.userId())
                    .put("clientId", entry.clientId()).put("command", entry.command())
                    .put("keys", entry.keyCount() < 0 ? null : entry.keyCount()).put("outcome", entry.outcome())
                    .put("durationMs", entry.durationMicros() / 1000.0).put("replyBytes", entry.replyBytes()));
        }
        return new JsonObject().put("entries", out);
    }

    /** Revokes a session by id. */
    @Override
    public JsonObject revokeSession(String sessionId) {
        if (!registry.sessions().revoke(sessionId)) {
            throw AdminErrors.notFound("No live session has id '" + safe(sessionId) + "'.");
        }
        return new JsonObject().put("revoked", true);
    }

    private JsonObject service(ServiceRecord record) {
        RedisService service = record.service();
        JsonObject out = new JsonObject()
                .put("clientId", service.clientId())
                .put("serviceId", service.serviceId())
                .put("version", service.version())
                .put("mode", service.mode().name().toLowerCase(Locale.ROOT))
                .put("host", service.host())
                .put("port", service.port())
                .put("database", service.database())
                .put("masterName", service.masterName())
                .put("nodes", new JsonArray(service.nodes().stream().map(Object::toString).toList()))
                .put("tls", new JsonObject().put("enabled", service.tls().enabled())
                        .put("verifyHostname", service.tls().verifyHostname())
                        .put("customCa", service.tls().caCertificatePem() != null))
                .put("policy", new JsonObject().put("mode", service.policy().mode().wireName())
                        .put("allow", new JsonArray(List.copyOf(service.policy().allow())))
                        .put("deny", new JsonArray(List.copyOf(service.policy().deny())))
                        .put("keyPrefixes", new JsonArray(service.policy().keyPrefixes()))
                        .put("scripting", service.policy().scripting()))
                .put("connectTimeoutMs", service.connectTimeout() == null ? null : service.connectTimeout().toMillis())
                .put("commandTimeoutMs", service.commandTimeout() == null ? null : service.commandTimeout().toMillis())
                .put("createdAt", record.createdAt().toString())
                .put("updatedAt", record.updatedAt().toString());
        out.put("credentials", registry.credentials().info(service.clientId()).map(AdminJson::credentials)
                .orElse(null));
        return out;
    }

}
