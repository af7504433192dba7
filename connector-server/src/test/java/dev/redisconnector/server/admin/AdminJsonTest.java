package dev.redisconnector.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.core.policy.ServicePolicy;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.server.admin.AdminModel.CredentialsRequest;
import dev.redisconnector.server.admin.AdminModel.ServiceRequest;
import dev.redisconnector.server.admin.AdminModel.SessionRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The admin API's JSON binding and checks, without a server: every bad body is a 400 naming the field. */
class AdminJsonTest {

    private static <T> T read(String json, Class<T> type) {
        return AdminJson.read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    private static void refused(String json, Class<?> type, String message) {
        assertThatThrownBy(() -> {
            Object bound = read(json, type);
            if (bound instanceof ServiceRequest service) {
                AdminJson.definition(service);
            }
        }).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.step()).isEqualTo(Step.ADMIN);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void aServiceBindsWithItsDefaults() {
        ServiceDefinition definition = AdminJson.definition(read("""
                {"host": "redis.internal", "tls": true, "policy": {"mode": "read-only", "keyPrefixes": ["acme:"]}}
                """, ServiceRequest.class));
        assertThat(definition.mode()).isEqualTo(RedisService.Mode.STANDALONE);
        assertThat(definition.port()).isEqualTo(6379);
        assertThat(definition.database()).isZero();
        assertThat(definition.tls().enabled()).isTrue();
        assertThat(definition.tls().verifyHostname()).isTrue();
        assertThat(definition.policy().mode()).isEqualTo(ServicePolicy.Mode.READ_ONLY);
        assertThat(definition.policy().keyPrefixes()).containsExactly("acme:");
    }

    @Test
    void everyWrongShapeNamesTheFieldAndWhatItExpected() {
        refused("{\"hots\": \"x\"}", ServiceRequest.class, "Unknown field 'hots'; known fields: commandTimeoutMs,"
                + " connectTimeoutMs, database, host, masterName, mode, noPassword, nodes, policy, port, tls,"
                + " tlsCaCertificatePem, url.");
        refused("{\"host\": \"h\", \"port\": \"6379\"}", ServiceRequest.class, "port must be a whole number.");
        refused("{\"host\": \"h\", \"port\": 6379.5}", ServiceRequest.class, "port must be a whole number.");
        refused("{\"host\": \"h\", \"port\": 70000}", ServiceRequest.class, "port must be between 1 and 65535.");
        refused("{\"host\": 7}", ServiceRequest.class, "host must be a string.");
        refused("{\"host\": \"h\", \"tls\": \"yes\"}", ServiceRequest.class, "tls must be true, false or"
                + " {\"enabled\": true, \"verifyHostname\": true, \"caCertificatePem\": \"...\"}.");
        refused("{\"host\": \"h\", \"tls\": {\"enabeld\": true}}", ServiceRequest.class,
                "Unknown field 'tls.enabeld'; known fields: caCertificatePem, enabled, verifyHostname.");
        refused("{\"host\": \"h\", \"policy\": {\"allow\": [1]}}", ServiceRequest.class,
                "policy.allow[0] must be a string.");
        refused("{\"host\": \"h\", \"policy\": []}", ServiceRequest.class,
                "policy must be an object with allow, deny, keyPrefixes, mode, scripting.");
        refused("{\"host\": \"h\", \"nodes\": \"a:1\"}", ServiceRequest.class, "nodes must be an array of strings.");
        refused("{\"host\": \"h\", \"policy\": {\"deny\": [null]}}", ServiceRequest.class,
                "policy.deny must be an array of strings.");
        refused("{}", ServiceRequest.class, "host is required.");
        refused("[]", ServiceRequest.class, "The request body must be a JSON object.");
        refused("{\"host\": \"h\"} {}", ServiceRequest.class, "The request body must be a JSON object.");
        refused("{\"kind\": \"password\", \"password\": 5}", CredentialsRequest.class, "password must be a string.");
        refused("{\"userId\": \"u\", \"clientId\": \"c\", \"readOnly\": \"yes\"}", SessionRequest.class,
                "readOnly must be true or false.");
        refused("{\"userId\": \"u\", \"clientId\": \"c\", \"ttlSeconds\": 1e30}", SessionRequest.class,
                "ttlSeconds must be a whole number.");
        assertThat(read("{\"userId\": \"u\", \"clientId\": \"c\", \"ttlSeconds\": 1.2e3}", SessionRequest.class)
                .ttlSeconds()).isEqualTo(1200L);
    }

    @Test
    void aStoredServiceReadsBackToTheSameDefinition() {
        ServiceDefinition original = AdminJson.definition(read("""
                {"host": "redis.internal", "port": 6380, "database": 2, "commandTimeoutMs": 750,
                 "tls": {"enabled": true, "verifyHostname": false},
                 "policy": {"mode": "custom", "allow": ["GET"], "keyPrefixes": ["a:"], "scripting": true}}
                """, ServiceRequest.class));
        ServiceRequest again = AdminJson.requestOf(stored(original));
        assertThat(AdminJson.definition(again)).isEqualTo(original);
        assertThat(AdminJson.changes(again, again)).isEmpty();
        assertThat(AdminJson.changes(again, AdminJson.requestOf(stored(original.withDatabase(3)))))
                .containsOnlyKeys("database");
    }

    private static RedisService stored(ServiceDefinition d) {
        return new RedisService("acme", "id", 1, d.host(), d.port(), d.database(), d.tls(), d.connectTimeout(),
                d.commandTimeout(), d.mode(), d.masterName(), d.nodes(), d.policy());
    }

    @Property(tries = 500)
    void anyBodyIsEitherBoundOrAnInvalidRequestNeverAnotherFailure(@ForAll String body) {
        for (Class<?> type : List.of(ServiceRequest.class, CredentialsRequest.class, SessionRequest.class)) {
            try {
                Object bound = read(body, type);
                if (bound instanceof ServiceRequest service) {
                    AdminJson.definition(service);
                }
            } catch (ConnectorException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            }
        }
    }
}
