package dev.redisconnector.server.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.spi.SessionValidator;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.server.config.Settings;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts JWTs a platform already issues: HS256 with a shared secret, or RS256/ES256 with keys from a JWKS URL or
 * file. Checks signature, expiry, issuer and audience when configured, and takes the user id and client id from
 * configurable claims. Thread-safe.
 */
public final class JwtSessionValidator implements SessionValidator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtSessionValidator.class);

    private final ConfigurableJWTProcessor<SecurityContext> processor;
    private final String clientIdClaim;
    private final String userIdClaim;
    private final Executor remoteKeyExecutor;

    private JwtSessionValidator(ConfigurableJWTProcessor<SecurityContext> processor, String clientIdClaim,
                                String userIdClaim, Executor remoteKeyExecutor) {
        this.processor = processor;
        this.clientIdClaim = clientIdClaim;
        this.userIdClaim = userIdClaim;
        this.remoteKeyExecutor = remoteKeyExecutor;
    }

    /**
     * Builds a validator from the {@code RC_JWT_*} settings.
     *
     * @param blockingExecutor runs validations that may fetch a remote JWKS
     */
    public static JwtSessionValidator fromConfig(ServerConfig config, Executor blockingExecutor) {
        String secret = config.get(Settings.JWT_HS256_SECRET);
        String jwksUrl = config.get(Settings.JWT_JWKS_URL);
        String jwksFile = config.get(Settings.JWT_JWKS_FILE);
        JWKSource<SecurityContext> keys;
        Set<JWSAlgorithm> algorithms;
        Executor executor = null;
        try {
            if (!secret.isEmpty()) {
                byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
                if (bytes.length < 32) {
                    throw new IllegalArgumentException("RC_JWT_HS256_SECRET must be at least 32 bytes (256 bits)");
                }
                keys = new ImmutableSecret<>(bytes);
                algorithms = Set.of(JWSAlgorithm.HS256);
            } else if (!jwksFile.isEmpty()) {
                keys = new ImmutableJWKSet<>(JWKSet.load(Path.of(jwksFile).toFile()));
                algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
            } else if (!jwksUrl.isEmpty()) {
                keys = JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).retrying(true).build();
                algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
                executor = blockingExecutor;
            } else {
                throw new IllegalArgumentException("JWT validation needs RC_JWT_HS256_SECRET, RC_JWT_JWKS_FILE or"
                        + " RC_JWT_JWKS_URL");
            }
        } catch (MalformedURLException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException known && known.getMessage() != null
                    && known.getMessage().startsWith("RC_JWT")) {
                throw known;
            }
            throw new IllegalArgumentException("RC_JWT_JWKS_URL is not a valid URL");
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("RC_JWT_JWKS_FILE could not be read as a JWK set: " + e.getMessage());
        }
        String clientIdClaim = config.get(Settings.JWT_CLIENT_ID_CLAIM);
        String userIdClaim = config.get(Settings.JWT_USER_ID_CLAIM);
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (!config.get(Settings.JWT_ISSUER).isEmpty()) {
            exact.issuer(config.get(Settings.JWT_ISSUER));
        }
        Set<String> required = new HashSet<>(Set.of("exp", clientIdClaim, userIdClaim));
        String audience = config.get(Settings.JWT_AUDIENCE);
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience.isEmpty() ? null : audience,
                exact.build(), required));
        return new JwtSessionValidator(processor, clientIdClaim, userIdClaim, executor);
    }

    /** Whether a token has the shape of a JWT (three dot-separated parts). */
    public static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.chars().filter(c -> c == '.').count() == 2;
    }

    @Override
    public CompletionStage<Optional<Session>> validate(String sessionToken) {
        if (remoteKeyExecutor == null) {
            return CompletableFuture.completedFuture(check(sessionToken));
        }
        return CompletableFuture.supplyAsync(() -> check(sessionToken), remoteKeyExecutor);
    }

    private Optional<Session> check(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            Object clientId = claims.getClaim(clientIdClaim);
            Object userId = claims.getClaim(userIdClaim);
            if (!(clientId instanceof String client) || client.isBlank() || !(userId instanceof String user)
                    || user.isBlank()) {
                return Optional.empty();
            }
            Instant expires = claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant();
            boolean readOnly = Boolean.TRUE.equals(claims.getClaim("readOnly"));
            return Optional.of(new Session(new Session.User(user, client), expires, readOnly));
        } catch (ParseException | BadJOSEException
                 | JOSEException e) {
            LOG.debug("JWT rejected: {}", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
