package dev.redisconnector.server.admin;

import static dev.redisconnector.server.admin.AdminJson.checkClient;
import static dev.redisconnector.server.admin.AdminJson.credentials;
import static dev.redisconnector.server.admin.AdminJson.definition;
import static dev.redisconnector.server.admin.AdminJson.safe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redisconnector.core.execution.HostPolicy;
import dev.redisconnector.core.policy.ServicePolicy;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.CredentialsInput;
import dev.redisconnector.registry.JdbcServiceRegistry;
import dev.redisconnector.registry.RedisUrl;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.registry.ServiceRecord;
import dev.redisconnector.server.admin.AdminModel.ServiceRequest;
import dev.redisconnector.server.admin.AdminModel.ServiceView;
import dev.redisconnector.server.admin.AdminModel.TlsView;
import dev.redisconnector.server.http.AdminErrors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes of service definitions: create or replace, change some fields ({@code PATCH}, merged field by field), import
 * from a URL (with its credentials), each checked against the addresses the connector never connects to, answered
 * with what changed. Blocking (JDBC). Thread-safe.
 */
final class ServiceWrites {

    private final Registry registry;

    ServiceWrites(Registry registry) {
        this.registry = registry;
    }

    /** Creates or replaces a client's service. */
    ServiceView put(String clientId, ServiceRequest body) {
        checkClient(clientId);
        if (body == null) {
            throw AdminErrors.invalid("The request body must be a JSON object.");
        }
        if (body.url() != null) {
            return importUrl(clientId, body);
        }
        if (body.noPassword() != null || body.tlsCaCertificatePem() != null) {
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
    ServiceView patch(String clientId, ObjectNode patch) {
        checkClient(clientId);
        if (patch == null) {
            throw AdminErrors.invalid("The request body must be a JSON object.");
        }
        onlyFields("", patch, PATCH_FIELDS);
        ServiceRecord current = registry.services().get(clientId)
                .orElseThrow(() -> AdminErrors.notFound("No Redis service exists for client '" + clientId + "'."));
        ObjectNode merged = AdminJson.tree(AdminJson.requestOf(current.service()));
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (field.getKey().equals("policy") && value.isObject()) {
                onlyFields("policy.", value, POLICY_FIELDS);
                ((ObjectNode) merged.get("policy")).setAll((ObjectNode) value);
            } else if (field.getKey().equals("tls") && value.isObject()
                    && merged.get("tls") instanceof ObjectNode stored) {
                stored.setAll((ObjectNode) value);
            } else {
                merged.set(field.getKey(), value);
            }
        }
        return store(clientId, definition(AdminJson.bind(merged, "", ServiceRequest.class)));
    }

    private static final Set<String> POLICY_FIELDS = Set.of("mode", "allow", "deny", "keyPrefixes", "scripting");

    private static void onlyFields(String prefix, JsonNode object, Set<String> allowed) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw AdminErrors.invalid("Unknown field '" + safe(prefix + name) + "'; known fields: "
                        + String.join(", ", new TreeSet<>(allowed)) + ".");
            }
        }
    }

    /** Saves a definition; the answer says what changed and whether the stored credentials had to go. */
    private ServiceView store(String clientId, ServiceDefinition definition) {
        refuseUnreachableAddresses(definition);
        ServiceRequest before = registry.services().get(clientId)
                .map(record -> AdminJson.requestOf(record.service())).orElse(null);
        JdbcServiceRegistry.PutResult result = registry.services().put(clientId, definition);
        return view(result.record()).withOutcome(result.created(), before == null ? null
                : AdminJson.changes(before, AdminJson.requestOf(result.record().service())),
                result.credentialsDropped() ? "The service now points at another server, so its stored credentials"
                        + " were deleted; set them again." : null, null);
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
    private ServiceView importUrl(String clientId, ServiceRequest body) {
        for (Iterator<String> names = AdminJson.tree(body).fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("url", "noPassword", "tlsCaCertificatePem", "policy").contains(name)) {
                throw AdminErrors.invalid("url can be combined only with noPassword, tlsCaCertificatePem and policy"
                        + " (not '" + safe(name) + "').");
            }
        }
        RedisUrl url;
        try {
            url = RedisUrl.parse(body.url());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
        boolean noPassword = Boolean.TRUE.equals(body.noPassword());
        if (noPassword && url.credentials() != null) {
            throw AdminErrors.invalid("noPassword was given, but the url holds a password.");
        }
        ServiceDefinition definition = url.definition();
        String ca = body.tlsCaCertificatePem();
        if (ca != null) {
            if (!definition.tls().enabled()) {
                throw AdminErrors.invalid("tlsCaCertificatePem needs a rediss:// url (TLS).");
            }
            definition = definition.withTls(new RedisService.TlsSettings(true, definition.tls().verifyHostname(), ca));
        }
        ServicePolicy policy = AdminJson.policy(body.policy());
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
        return view(stored).withOutcome(result.created(), null, null, url.credentials() != null || noPassword);
    }

    /** A stored service with what may be shown of its credentials. */
    ServiceView view(ServiceRecord record) {
        RedisService service = record.service();
        return new ServiceView(service.clientId(), service.serviceId(), service.version(),
                service.mode().name().toLowerCase(Locale.ROOT), service.host(), service.port(), service.database(),
                service.masterName(), service.nodes().stream().map(Object::toString).toList(),
                new TlsView(service.tls().enabled(), service.tls().verifyHostname(),
                        service.tls().caCertificatePem() != null), AdminJson.policyOf(service),
                service.connectTimeout() == null ? null : service.connectTimeout().toMillis(),
                service.commandTimeout() == null ? null : service.commandTimeout().toMillis(),
                record.createdAt().toString(), record.updatedAt().toString(),
                registry.credentials().info(service.clientId()).map(AdminJson::credentials).orElse(null),
                null, null, null, null);
    }
}
