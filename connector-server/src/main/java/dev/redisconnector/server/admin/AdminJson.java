package dev.redisconnector.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.Printable;
import dev.redisconnector.core.policy.ServicePolicy;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.ClientIds;
import dev.redisconnector.registry.CredentialsInfo;
import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.registry.SessionInfo;
import dev.redisconnector.server.admin.AdminModel.Change;
import dev.redisconnector.server.admin.AdminModel.CredentialsView;
import dev.redisconnector.server.admin.AdminModel.Policy;
import dev.redisconnector.server.admin.AdminModel.ServiceRequest;
import dev.redisconnector.server.admin.AdminModel.SessionView;
import dev.redisconnector.server.admin.AdminModel.Tls;
import dev.redisconnector.server.http.AdminErrors;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The admin API's JSON, in one place: binding request bodies to {@link AdminModel} records with Jackson (strictly:
 * unknown fields, wrong types, fractions for whole numbers and text for numbers are refused), checking what the
 * records hold (the service definition and its policy, ranges), and writing answers. Every failure is
 * {@code INVALID_REQUEST} naming the field and what it expected. Stateless and thread-safe.
 */
public final class AdminJson {

    /** The admin API's mapper: strict on input, records out as they are. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, config -> config
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, config -> config
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();

    private static final String BODY = "The request body must be a JSON object.";

    private AdminJson() {
    }

    /** Binds a request body; {@code INVALID_REQUEST} naming the field on anything but a well-formed object. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw AdminErrors.invalid(BODY);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            throw AdminErrors.invalid(BODY);
        }
        return bind(integral(tree), "", type);
    }

    /**
     * JSON has one number type: a whole number written as {@code 1e12} or {@code 6379.0} is a whole number, so it
     * becomes one before binding (and meets the range check that names the limits); {@code 6379.5} stays a fraction
     * and is refused where a whole number is expected.
     */
    private static JsonNode integral(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                field.setValue(integral(field.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, integral(array.get(i)));
            }
        } else if (node.isFloatingPointNumber() && node.canConvertToExactIntegral() && node.canConvertToLong()) {
            return LongNode.valueOf(node.longValue());
        }
        return node;
    }

    /** Binds a JSON tree; field names in messages get {@code prefix} (e.g. {@code "tls."}). */
    static <T> T bind(JsonNode tree, String prefix, Class<T> type) {
        if (tree == null || !tree.isObject()) {
            throw AdminErrors.invalid(prefix.isEmpty() ? BODY : prefix.substring(0, prefix.length() - 1)
                    + " must be an object.");
        }
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw invalid(e, prefix);
        }
    }

    /** The JSON of an answer (or a request, for the client side). */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an admin answer could not be written: " + e.getOriginalMessage(), e);
        }
    }

    /** A value as a JSON tree (to merge, compare or print). */
    public static ObjectNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Reads an answer the server sent into its record (fields a newer server adds are ignored). */
    public static <T> T answer(JsonNode json, Class<T> type) {
        try {
            return MAPPER.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
        } catch (IOException e) {
            throw new IllegalStateException("the server's answer does not match " + type.getSimpleName(), e);
        }
    }

    private static ConnectorException invalid(JsonProcessingException failure, String prefix) {
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectorException known) {
                return known;
            }
        }
        if (failure instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", "));
            return AdminErrors.invalid("Unknown field '" + safe(prefix + path(unknown)) + "'; known fields: " + known
                    + ".");
        }
        if (failure instanceof MismatchedInputException mismatch) {
            String field = prefix + path(mismatch);
            return AdminErrors.invalid(field.isEmpty() ? BODY : safe(field) + " must be "
                    + expected(mismatch.getTargetType()) + ".");
        }
        if (failure instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return AdminErrors.invalid(safe(prefix + path(mapping)) + " is out of range or malformed.");
        }
        return AdminErrors.invalid(BODY);
    }

    private static String path(JsonMappingException failure) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference reference : failure.getPath()) {
            if (reference.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                out.append('[').append(reference.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array of strings";
        }
        if (type.isRecord()) {
            TreeSet<String> fields = new TreeSet<>();
            for (var component : type.getRecordComponents()) {
                fields.add(component.getName());
            }
            return "an object with " + String.join(", ", fields);
        }
        return "of another type";
    }

    // ------------------------------------------------------------------------------------ requests to the registry

    /** The definition a request describes (not a URL import), checked. */
    static ServiceDefinition definition(ServiceRequest body) {
        RedisService.Mode mode;
        try {
            mode = ServiceDefinition.mode(body.mode() == null ? "standalone" : body.mode());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
        boolean standalone = mode == RedisService.Mode.STANDALONE;
        if (body.host() == null && standalone) {
            throw AdminErrors.invalid("host is required.");
        }
        int port = whole("port", body.port(), 6379);
        int database = whole("database", body.database(), 0);
        Tls tls = body.tls();
        RedisService.TlsSettings tlsSettings = tls == null ? RedisService.TlsSettings.DISABLED
                : new RedisService.TlsSettings(Boolean.TRUE.equals(tls.enabled()),
                !Boolean.FALSE.equals(tls.verifyHostname()), tls.caCertificatePem());
        List<RedisService.Address> nodes = new ArrayList<>();
        for (String node : body.nodes() == null ? List.<String>of() : body.nodes()) {
            try {
                nodes.add(ServiceDefinition.parseAddress(Objects.requireNonNull(node, "a node is null"),
                        mode == RedisService.Mode.SENTINEL ? 26379 : 6379));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw AdminErrors.invalid("nodes must be an array of \"host:port\" strings.");
            }
        }
        Duration connect = body.connectTimeoutMs() == null ? null
                : Duration.ofMillis(whole("connectTimeoutMs", body.connectTimeoutMs(), 0));
        Duration command = body.commandTimeoutMs() == null ? null
                : Duration.ofMillis(whole("commandTimeoutMs", body.commandTimeoutMs(), 0));
        try {
            return new ServiceDefinition(mode, standalone ? body.host() : null, standalone ? port : 0, database,
                    tlsSettings, connect, command, body.masterName(), nodes, policy(body.policy()));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
    }

    /** A policy from its request form, rules checked; {@code null} when none was given. */
    static ServicePolicy policy(Policy policy) {
        if (policy == null) {
            return null;
        }
        List<String> allow = strings("policy.allow", policy.allow());
        List<String> deny = strings("policy.deny", policy.deny());
        PolicyRules.check("allow", allow);
        PolicyRules.check("deny", deny);
        try {
            return new ServicePolicy(ServicePolicy.Mode.parse(policy.mode() == null ? "read-write" : policy.mode()),
                    new TreeSet<>(allow), new TreeSet<>(deny), strings("policy.keyPrefixes", policy.keyPrefixes()),
                    Boolean.TRUE.equals(policy.scripting()));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".");
        }
    }

    private static List<String> strings(String name, List<String> values) {
        if (values == null) {
            return List.of();
        }
        for (String value : values) {
            if (value == null) {
                throw AdminErrors.invalid(name + " must be an array of strings.");
            }
        }
        return values;
    }

    /** A whole number within the range of an {@code int}, or {@code fallback} when absent. */
    static int whole(String name, Long value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw AdminErrors.invalid(name + " must be a whole number.");
        }
        return value.intValue();
    }

    /** A stored service in its request form (the CA certificate included), as {@link #definition} reads it. */
    static ServiceRequest requestOf(RedisService service) {
        boolean standalone = service.mode() == RedisService.Mode.STANDALONE;
        return new ServiceRequest(service.mode().name().toLowerCase(Locale.ROOT), standalone ? service.host() : null,
                standalone ? (long) service.port() : null, (long) service.database(),
                new Tls(service.tls().enabled(), service.tls().verifyHostname(), service.tls().caCertificatePem()),
                service.connectTimeout() == null ? null : service.connectTimeout().toMillis(),
                service.commandTimeout() == null ? null : service.commandTimeout().toMillis(), service.masterName(),
                standalone ? null : service.nodes().stream().map(Object::toString).toList(), policyOf(service),
                null, null, null);
    }

    static Policy policyOf(RedisService service) {
        ServicePolicy policy = service.policy();
        return new Policy(policy.mode().wireName(), List.copyOf(policy.allow()), List.copyOf(policy.deny()),
                policy.keyPrefixes(), policy.scripting());
    }

    /** {@code {"field": {"from": old, "to": new}}} for each field that differs (nested fields one by one). */
    static Map<String, Change> changes(ServiceRequest before, ServiceRequest after) {
        ObjectNode from = tree(before);
        ObjectNode to = tree(after);
        Map<String, Change> out = new LinkedHashMap<>();
        for (Iterator<String> fields = to.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            JsonNode was = from.get(field);
            JsonNode is = to.get(field);
            if (was != null && was.isObject() && is.isObject()) {
                for (Iterator<String> inner = is.fieldNames(); inner.hasNext(); ) {
                    String name = inner.next();
                    if (!Objects.equals(was.get(name), is.get(name))) {
                        out.put(field + "." + name, new Change(was.get(name), is.get(name)));
                    }
                }
            } else if (!Objects.equals(was, is)) {
                out.put(field, new Change(was, is));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------- answers

    static CredentialsView credentials(CredentialsInfo info) {
        return new CredentialsView(info.kind().name().toLowerCase(Locale.ROOT), info.username(), info.sentinelAuth(),
                info.clientCertificate(), info.setAt().toString());
    }

    static SessionView session(SessionInfo info, Boolean live) {
        return new SessionView(info.sessionId(), info.userId(), info.clientId(), info.readOnly(),
                info.createdAt().toString(), info.expiresAt().toString(),
                info.revokedAt() == null ? null : info.revokedAt().toString(), live);
    }

    // -------------------------------------------------------------------------------------------------- values

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

    static void checkClient(String clientId) {
        try {
            ClientIds.check(clientId);
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage() + ".");
        }
    }

    static String safe(String text) {
        return text == null ? "" : Printable.quote(text);
    }
}
