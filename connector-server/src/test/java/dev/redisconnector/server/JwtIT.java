package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.redisconnector.core.Session;
import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.server.session.JwtSessionValidator;
import dev.redisconnector.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Platform-issued JWTs instead of opaque tokens: HS256 through the HTTP API, RS256 from a JWKS file. */
class JwtIT {

    static final String SECRET = "a-shared-secret-of-at-least-32-bytes!!";

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @TempDir
    static Path dataDir;

    static ConnectorServer server;
    static HttpTestClient http;

    @BeforeAll
    static void start() {
        server = ConnectorServer.start(ServerConfig.load(Map.of("RC_PORT", "0", "RC_ALLOW_LOOPBACK", "true",
                "RC_DATA_DIR", dataDir.toString(),
                "RC_JWT_HS256_SECRET", SECRET, "RC_JWT_ISSUER", "https://platform.example",
                "RC_JWT_AUDIENCE", "redis-connector", "RC_JWT_CLIENT_ID_CLAIM", "tenant"), null));
        server.registry().services().put("acme", ServiceDefinition.of("127.0.0.1", REDIS.port()));
        server.registry().credentials().setNone("acme");
        http = new HttpTestClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issuer("https://platform.example")
                .audience("redis-connector").claim("tenant", "acme")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    static String hs256(JWTClaimsSet claims, String secret) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes()));
        return jwt.serialize();
    }

    static void assertRejected(String token) {
        HttpTestClient.Response response = http.command(token, "PING");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.errorCode()).isEqualTo("NOT_LOGGED_IN");
    }

    @Test
    void validTokenRunsTheCommand() throws Exception {
        HttpTestClient.Response response = http.command(hs256(claims().build(), SECRET), "SET", "jwt:key", "v");
        assertThat(response.body()).isEqualTo("{\"output1\":\"OK\"}");
    }

    @Test
    void wrongSignatureIsRejected() throws Exception {
        assertRejected(hs256(claims().build(), "another-secret-that-is-also-32-bytes!!"));
        String valid = hs256(claims().build(), SECRET);
        assertRejected(valid.substring(0, valid.length() - 2) + (valid.endsWith("A") ? "BB" : "AA"));
    }

    @Test
    void expiredTokenIsRejected() throws Exception {
        assertRejected(hs256(claims().expirationTime(Date.from(Instant.now().minusSeconds(120))).build(), SECRET));
    }

    @Test
    void wrongAudienceOrIssuerIsRejected() throws Exception {
        assertRejected(hs256(claims().audience("someone-else").build(), SECRET));
        assertRejected(hs256(claims().issuer("https://evil.example").build(), SECRET));
    }

    @Test
    void missingClientIdClaimIsRejected() throws Exception {
        assertRejected(hs256(claims().claim("tenant", null).build(), SECRET));
        assertRejected(hs256(claims().claim("tenant", 42).build(), SECRET));
    }

    @Test
    void unsignedTokenIsRejected() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims().build().toString().getBytes());
        assertRejected(header + "." + body + ".");
    }

    @Test
    void rs256FromAJwksFile(@TempDir Path dir) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        JwtSessionValidator validator = JwtSessionValidator.fromConfig(ServerConfig.load(Map.of(
                "RC_JWT_JWKS_FILE", jwks.toString(), "RC_JWT_AUDIENCE", "redis-connector"), null),
                Executors.newVirtualThreadPerTaskExecutor());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                claims().claim("clientId", "acme").build());
        jwt.sign(new RSASSASigner(key));
        Optional<Session> session = validator.validate(jwt.serialize()).toCompletableFuture().join();
        assertThat(session).hasValueSatisfying(s -> {
            assertThat(s.user().id()).isEqualTo("alice");
            assertThat(s.user().clientId()).isEqualTo("acme");
        });
        RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                claims().claim("clientId", "acme").build());
        forged.sign(new RSASSASigner(other));
        assertThat(validator.validate(forged.serialize()).toCompletableFuture().join()).isEmpty();
    }
}
