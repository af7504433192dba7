package dev.redisconnector.server.admin;

import dev.redisconnector.core.Printable;
import dev.redisconnector.core.policy.ServicePolicy;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.ClientIds;
import dev.redisconnector.registry.CredentialsInfo;
import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.registry.SessionInfo;
import dev.redisconnector.server.http.AdminErrors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API's JSON: reading and checking request bodies (fields, types, ranges, the service definition and its
 * policy) and writing the service, credentials and session answers. Stateless; every failure is
 * {@code INVALID_REQUEST} naming the field.
 */
final class AdminJson {

    private AdminJson() {
    }

    /** {@code {"field": {"from": old, "to": new}}} for each field that differs (policy fields one by one). */
    static JsonObject changes(JsonObject before, JsonObject after) {
        JsonObject out = new JsonObject();
        for (String field : after.fieldNames()) {
            Object from = before.getValue(field);
            Object to = after.getValue(field);
            if (from instanceof JsonObject fromObject && to instanceof JsonObject toObject) {
                for (String inner : toObject.fieldNames()) {
                    if (!java.util.Objects.equals(fromObject.getValue(inner), toObject.getValue(inner))) {
                        out.put(field + "." + inner, new JsonObject().put("from", fromObject.getValue(inner))
                                .put("to", toObject.getValue(inner)));
                    }
                }
            } else if (!java.util.Objects.equals(from, to)) {
                out.put(field, new JsonObject().put("from", from).put("to", to));
            }
        }
        return out;
    }

    /** A stored service in the request form {@link #definition(JsonObject)} reads (the CA certificate included). */
    static JsonObject definitionJson(RedisService service) {
        JsonObject tls = new JsonObject().put("enabled", service.tls().enabled())
                .put("verifyHostname", service.tls().verifyHostname());
        if (service.tls().caCertificatePem() != null) {
            tls.put("caCertificatePem", service.tls().caCertificatePem());
        }
        JsonObject out = new JsonObject().put("mode", service.mode().name().toLowerCase(Locale.ROOT))
                .put("database", service.database()).put("tls", tls)
                .put("policy", new JsonObject().put("mode", service.policy().mode().wireName())
                        .put("allow", new JsonArray(List.copyOf(service.policy().allow())))
                        .put("deny", new JsonArray(List.copyOf(service.policy().deny())))
                        .put("keyPrefixes", new JsonArray(service.policy().keyPrefixes()))
                        .put("scripting", service.policy().scripting()));
        if (service.mode() == RedisService.Mode.STANDALONE) {
            out.put("host", service.host()).put("port", service.port());
        } else {
            out.put("nodes", new JsonArray(service.nodes().stream().map(Object::toString).toList()));
        }
        if (service.masterName() != null) {
            out.put("masterName", service.masterName());
        }
        if (service.connectTimeout() != null) {
            out.put("connectTimeoutMs", service.connectTimeout().toMillis());
        }
        if (service.commandTimeout() != null) {
            out.put("commandTimeoutMs", service.commandTimeout().toMillis());
        }
        return out;
    }

    /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d} back from {@code now}, or an ISO-8601 instant. */
    static Instant instant(String text, Instant now, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        Matcher relative = Pattern.compile("(\\d{1,9})([smhd])").matcher(value);
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            Duration back = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return now.minus(back);
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw AdminErrors.invalid(name + " must be a duration back from now (90s, 15m, 1h, 7d) or an"
                    + " ISO-8601 instant (2026-11-26T10:00:00Z).");
        }
    }

    static JsonObject credentials(CredentialsInfo info) {
        return new JsonObject().put("kind", info.kind().name().toLowerCase(Locale.ROOT))
                .put("username", info.username())
                .put("sentinelAuth", info.sentinelAuth())
                .put("tlsClientCertificate", info.clientCertificate())
                .put("setAt", info.setAt().toString());
    }

    static JsonObject session(SessionInfo info) {
        return new JsonObject().put("sessionId", info.sessionId()).put("userId", info.userId())
                .put("clientId", info.clientId()).put("readOnly", info.readOnly())
                .put("createdAt", info.createdAt().toString()).put("expiresAt", info.expiresAt().toString())
                .put("revokedAt", info.revokedAt() == null ? null : info.revokedAt().toString());
    }

    static ServiceDefinition definition(JsonObject body) {
        RedisService.Mode mode;
        try {
            mode = ServiceDefinition.mode(string(body, "mode", "standalone"));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
        String host = string(body, "host", null);
        if (host == null && mode == RedisService.Mode.STANDALONE) {
            throw AdminErrors.invalid("host is required.");
        }
        int port = (int) number(body, "port", 6379);
        int database = (int) number(body, "database", 0);
        RedisService.TlsSettings tls = RedisService.TlsSettings.DISABLED;
        Object tlsValue = body.getValue("tls");
        if (tlsValue instanceof Boolean enabled) {
            tls = new RedisService.TlsSettings(enabled, true);
        } else if (tlsValue instanceof JsonObject tlsObject) {
            onlyFields(tlsObject, Set.of("enabled", "verifyHostname", "caCertificatePem"));
            tls = new RedisService.TlsSettings(bool(tlsObject, "enabled", false),
                    bool(tlsObject, "verifyHostname", true), string(tlsObject, "caCertificatePem", null));
        } else if (tlsValue != null) {
            throw AdminErrors.invalid("tls must be true, false or {\"enabled\": true, \"verifyHostname\": true,"
                    + " \"caCertificatePem\": \"...\"}.");
        }
        List<RedisService.Address> nodes = new ArrayList<>();
        Object nodesValue = body.getValue("nodes");
        if (nodesValue instanceof JsonArray array) {
            for (Object node : array) {
                if (!(node instanceof String text)) {
                    throw AdminErrors.invalid("nodes must be an array of \"host:port\" strings.");
                }
                try {
                    nodes.add(ServiceDefinition.parseAddress(text, mode == RedisService.Mode.SENTINEL ? 26379 : 6379));
                } catch (IllegalArgumentException e) {
                    throw AdminErrors.invalid(e.getMessage() + ".");
                }
            }
        } else if (nodesValue != null) {
            throw AdminErrors.invalid("nodes must be an array of \"host:port\" strings.");
        }
        Duration connect = body.getValue("connectTimeoutMs") == null ? null
                : Duration.ofMillis(number(body, "connectTimeoutMs", 0));
        Duration command = body.getValue("commandTimeoutMs") == null ? null
                : Duration.ofMillis(number(body, "commandTimeoutMs", 0));
        try {
            boolean standalone = mode == RedisService.Mode.STANDALONE;
            return new ServiceDefinition(mode, standalone ? host : null, standalone ? port : 0, database, tls,
                    connect, command, string(body, "masterName", null), nodes, policy(body));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
    }

    static ServicePolicy policy(JsonObject body) {
        JsonObject policy = object(body, "policy", Set.of("mode", "allow", "deny", "keyPrefixes", "scripting"));
        if (policy == null) {
            return null;
        }
        PolicyRules.check("allow", strings(policy, "allow"));
        PolicyRules.check("deny", strings(policy, "deny"));
        return new ServicePolicy(ServicePolicy.Mode.parse(string(policy, "mode", "read-write")),
                new TreeSet<>(strings(policy, "allow")), new TreeSet<>(strings(policy, "deny")),
                strings(policy, "keyPrefixes"), bool(policy, "scripting", false));
    }

    static List<String> strings(JsonObject body, String name) {
        Object value = body.getValue(name);
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (value instanceof JsonArray array) {
            for (Object item : array) {
                if (!(item instanceof String text)) {
                    throw AdminErrors.invalid(name + " must be an array of strings.");
                }
                out.add(text);
            }
            return out;
        }
        throw AdminErrors.invalid(name + " must be an array of strings.");
    }

    static JsonObject object(JsonObject body, String name, Set<String> fields) {
        Object value = body.getValue(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject object)) {
            throw AdminErrors.invalid(name + " must be an object with " + String.join(", ", new TreeSet<>(fields))
                    + ".");
        }
        onlyFields(object, fields);
        return object;
    }

    static void checkClient(String clientId) {
        try {
            ClientIds.check(clientId);
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
    }

    static void requireBody(JsonObject body) {
        if (body == null) {
            throw AdminErrors.invalid("The request body must be a JSON object.");
        }
    }

    static void onlyFields(JsonObject body, Set<String> allowed) {
        for (String name : body.fieldNames()) {
            if (!allowed.contains(name)) {
                throw AdminErrors.invalid("Unknown field '" + safe(name) + "'; known fields: "
                        + String.join(", ", new TreeSet<>(allowed)) + ".");
            }
        }
    }

    static String string(JsonObject body, String name, String fallback) {
        Object value = body.getValue(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text)) {
            throw AdminErrors.invalid(name + " must be a string.");
        }
        return text;
    }

    static long number(JsonObject body, String name, long fallback) {
        Object value = body.getValue(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                || Math.abs(number.doubleValue()) > Integer.MAX_VALUE) {
            throw AdminErrors.invalid(name + " must be a whole number.");
        }
        return number.longValue();
    }

    static boolean bool(JsonObject body, String name, boolean fallback) {
        Object value = body.getValue(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            throw AdminErrors.invalid(name + " must be true or false.");
        }
        return flag;
    }

    static String safe(String text) {
        if (text == null) {
            return "";
        }
        return Printable.quote(text);
    }
}
