package dev.redisconnector.server.admin;

import static dev.redisconnector.server.admin.AdminJson.checkClient;
import static dev.redisconnector.server.admin.AdminJson.credentials;
import static dev.redisconnector.server.admin.AdminJson.instant;
import static dev.redisconnector.server.admin.AdminJson.safe;
import static dev.redisconnector.server.admin.AdminJson.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.policy.AclPlan;
import dev.redisconnector.core.policy.ScriptConfinement;
import dev.redisconnector.core.policy.ScriptVerifier;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.AuditTrail;
import dev.redisconnector.registry.CredentialsInfo;
import dev.redisconnector.registry.CredentialsInput;
import dev.redisconnector.registry.IssuedSession;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.ServiceRecord;
import dev.redisconnector.server.admin.AdminModel.AclView;
import dev.redisconnector.server.admin.AdminModel.AuditCountView;
import dev.redisconnector.server.admin.AdminModel.AuditEntryView;
import dev.redisconnector.server.admin.AdminModel.AuditList;
import dev.redisconnector.server.admin.AdminModel.ConnectionTest;
import dev.redisconnector.server.admin.AdminModel.CredentialsRequest;
import dev.redisconnector.server.admin.AdminModel.CredentialsView;
import dev.redisconnector.server.admin.AdminModel.Deleted;
import dev.redisconnector.server.admin.AdminModel.IssuedSessionView;
import dev.redisconnector.server.admin.AdminModel.Reencrypted;
import dev.redisconnector.server.admin.AdminModel.Revoked;
import dev.redisconnector.server.admin.AdminModel.SentinelAuth;
import dev.redisconnector.server.admin.AdminModel.ServiceList;
import dev.redisconnector.server.admin.AdminModel.ServiceRequest;
import dev.redisconnector.server.admin.AdminModel.ServiceView;
import dev.redisconnector.server.admin.AdminModel.SessionList;
import dev.redisconnector.server.admin.AdminModel.SessionRequest;
import dev.redisconnector.server.admin.AdminModel.TlsClient;
import dev.redisconnector.server.http.AdminErrors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on the registry, as {@link AdminModel} records in and out. Blocking (JDBC, connection tests): call
 * from a worker thread. Never returns a password or token except the token of a session it just created.
 * Thread-safe.
 */
public final class AdminService implements AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
    /** Longest session a token may be issued for: 366 days. */
    static final long MAX_SESSION_TTL_SECONDS = 366L * 24 * 3600;

    private final Registry registry;
    private final CommandExecutor executor;
    private final Duration defaultSessionTtl;
    private final ScriptVerifier scriptVerifier;
    private final List<AutoCloseable> owned;
    private final ConnectionTester tester;
    private final ServiceWrites services;

    /**
     * @param owned closed with this service, last first (the CLI's direct mode hands over its registry and executor;
     *              a server closes its own)
     */
    public AdminService(Registry registry, CommandExecutor executor, Duration defaultSessionTtl,
                        AutoCloseable... owned) {
        this.registry = registry;
        this.executor = executor;
        this.defaultSessionTtl = defaultSessionTtl;
        this.owned = List.of(owned);
        // checks on demand: nothing cached, so an ACL changed a moment ago is what the operator sees
        this.scriptVerifier = new ScriptVerifier(executor, Duration.ofSeconds(10), Duration.ZERO);
        this.tester = new ConnectionTester(executor);
        this.services = new ServiceWrites(registry);
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing admin resources failed type={}", e.getClass().getName());
            }
        }
    }

    /**
     * The {@code ACL SETUSER} line that confines the client's Redis user (and so its scripts) to the service's policy,
     * and whether the user stored for the service is confined now.
     */
    @Override
    public AclView acl(String clientId) {
        checkClient(clientId);
        RedisService service = recordOf(clientId).service();
        Optional<RedisCredentials> credentials = credentialsOf(service);
        if (credentials.isEmpty()) {
            throw ConnectorException.of(ErrorCode.NO_CREDENTIALS, Step.CREDENTIALS, "No credentials are stored for the"
                    + " Redis service of client '" + clientId + "'; the ACL line is made from the server's command table.");
        }
        ExecutionTarget target = new ExecutionTarget(service, credentials.get());
        String user = credentials.get().username() != null ? credentials.get().username() : clientId;
        AclPlan plan = await(scriptVerifier.plan(target), 20, "ACL check");
        ScriptConfinement verdict = await(scriptVerifier.verdict(target), 20, "ACL check");
        String problem = plan.impossibility() != null ? plan.impossibility()
                : verdict.confined() ? null : verdict.problem();
        return new AclView(clientId, user, plan.setUserLine(user), service.policy().scripting(), verdict.confined(),
                problem);
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

    /** Creates or replaces a client's service (or imports it from a URL). See {@link ServiceWrites}. */
    @Override
    public ServiceView putService(String clientId, ServiceRequest body) {
        return services.put(clientId, body);
    }

    /** Changes some fields of a client's service and keeps the others. See {@link ServiceWrites}. */
    @Override
    public ServiceView patchService(String clientId, ObjectNode patch) {
        return services.patch(clientId, patch);
    }

    /** A client's service with what may be shown of its credentials. */
    @Override
    public ServiceView getService(String clientId) {
        checkClient(clientId);
        ServiceRecord record = recordOf(clientId);
        return service(record);
    }

    /** Every registered service. */
    @Override
    public ServiceList listServices() {
        return new ServiceList(registry.services().list().stream().map(this::service).toList());
    }

    /** Deletes a client's service and credentials. */
    @Override
    public Deleted deleteService(String clientId) {
        checkClient(clientId);
        if (!registry.services().delete(clientId)) {
            throw AdminErrors.notFound("No Redis service exists for client '" + clientId + "'.");
        }
        return new Deleted(true);
    }

    /** Sets a client's credentials: kind {@code none}, or {@code password} with the password and a username. */
    @Override
    public CredentialsView putCredentials(String clientId, CredentialsRequest body) {
        checkClient(clientId);
        if (body == null) {
            throw AdminErrors.invalid("The request body must be a JSON object.");
        }
        String kind = body.kind() != null ? body.kind() : body.password() != null ? "password" : null;
        if (kind == null) {
            throw AdminErrors.invalid("kind is required: \"none\" or \"password\".");
        }
        RedisCredentials.Kind parsedKind = switch (kind.toLowerCase(Locale.ROOT)) {
            case "none" -> RedisCredentials.Kind.NONE;
            case "password" -> RedisCredentials.Kind.PASSWORD;
            default -> throw AdminErrors.invalid("kind must be \"none\" or \"password\".");
        };
        if (parsedKind == RedisCredentials.Kind.PASSWORD && (body.password() == null || body.password().isEmpty())) {
            throw AdminErrors.invalid("password is required for kind password.");
        }
        SentinelAuth sentinel = body.sentinel();
        TlsClient tlsClient = body.tlsClient();
        CredentialsInfo info;
        try {
            info = registry.credentials().set(clientId, new CredentialsInput(parsedKind, body.username(),
                    body.password(), sentinel == null ? null : sentinel.username(),
                    sentinel == null ? null : sentinel.password(),
                    tlsClient == null ? null : tlsClient.certificatePem(),
                    tlsClient == null ? null : tlsClient.keyPem()));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".");
        }
        return credentials(info);
    }

    /** Deletes a client's credentials. */
    @Override
    public Deleted deleteCredentials(String clientId) {
        checkClient(clientId);
        if (!registry.credentials().delete(clientId)) {
            throw AdminErrors.notFound("No credentials are stored for client '" + clientId + "'.");
        }
        return new Deleted(true);
    }

    /** Re-encrypts every password with the current write key. */
    @Override
    public Reencrypted reencryptCredentials() {
        return new Reencrypted(registry.credentials().reencryptAll());
    }

    /**
     * Tests the client's service with a fresh connection: {@code ok}, reachability, authentication, server version
     * and role, or the code and message of the failure. See {@link ConnectionTester}.
     */
    @Override
    public ConnectionTest testConnection(String clientId) {
        checkClient(clientId);
        RedisService service = recordOf(clientId).service();
        Optional<RedisCredentials> credentials;
        try {
            credentials = credentialsOf(service);
        } catch (ConnectorException failure) {
            return ConnectionTester.failed(clientId, service, failure, false, null);
        }
        return tester.test(clientId, service, credentials);
    }

    /** Creates a session; the response holds the token, shown this once. */
    @Override
    public IssuedSessionView createSession(SessionRequest body) {
        if (body == null) {
            throw AdminErrors.invalid("The request body must be a JSON object.");
        }
        String userId = body.userId();
        String clientId = body.clientId();
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
        Long ttl = body.ttlSeconds();
        if (ttl != null && (ttl < 1 || ttl > MAX_SESSION_TTL_SECONDS)) {
            throw AdminErrors.invalid("ttlSeconds must be between 1 and " + MAX_SESSION_TTL_SECONDS + " (366 days).");
        }
        long ttlSeconds = ttl != null ? ttl : defaultSessionTtl.toSeconds();
        IssuedSession issued = registry.sessions().create(userId, clientId, Duration.ofSeconds(ttlSeconds),
                Boolean.TRUE.equals(body.readOnly()));
        return new IssuedSessionView(issued.token(), session(issued.info(), null));
    }

    /** Sessions of a client (or all), newest first. */
    @Override
    public SessionList listSessions(String clientId, int limit) {
        if (clientId != null) {
            checkClient(clientId);
        }
        Instant now = Instant.now();
        return new SessionList(registry.sessions().list(clientId, Math.min(Math.max(limit, 1), 1000)).stream()
                .map(info -> session(info, info.isLive(now))).toList());
    }

    /**
     * Audit entries, newest first. {@code since}/{@code until}: a duration back from now ({@code 90s}, {@code 15m},
     * {@code 1h}, {@code 7d}) or an ISO-8601 instant; every filter optional.
     */
    @Override
    public AuditList audit(String clientId, String userId, String since, String until, String outcome, int limit) {
        if (clientId != null) {
            checkClient(clientId);
        }
        Instant now = Instant.now();
        AuditTrail.Query query = new AuditTrail.Query(clientId, userId, instant(since, now, "since"),
                instant(until, now, "until"), outcome == null ? null : outcome.toUpperCase(Locale.ROOT),
                Math.min(Math.max(limit, 1), 10_000));
        List<AuditEntryView> entries = registry.queryAudit(query).stream().map(entry -> new AuditEntryView(
                entry.at().toString(), entry.userId(), entry.clientId(), entry.command(),
                entry.keyCount() < 0 ? null : entry.keyCount(), entry.outcome(), entry.durationMicros() / 1000.0,
                entry.replyBytes(), entry.instance())).toList();
        List<AuditCountView> counts = registry.queryAuditCounts(query).stream().map(count -> new AuditCountView(
                count.minute().toString(), count.userId(), count.clientId(), count.command(), count.outcome(),
                count.commands(), count.durationMicros() / 1000.0, count.replyBytes())).toList();
        return new AuditList(entries, counts);
    }

    /** Revokes a session by id. */
    @Override
    public Revoked revokeSession(String sessionId) {
        if (!registry.sessions().revoke(sessionId)) {
            throw AdminErrors.notFound("No live session has id '" + safe(sessionId) + "'.");
        }
        return new Revoked(true);
    }

    private ServiceView service(ServiceRecord record) {
        return services.view(record);
    }
}
