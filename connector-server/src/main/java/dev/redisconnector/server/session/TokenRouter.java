package dev.redisconnector.server.session;

import dev.redisconnector.core.Session;
import dev.redisconnector.core.spi.SessionValidator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends each token to the validator that understands it: JWTs (when configured) to the JWT validator, everything
 * else to the opaque-token store. Thread-safe.
 */
public final class TokenRouter implements SessionValidator {

    private static final int MAX_TOKEN_LENGTH = 8192;

    private final SessionValidator opaque;
    private final SessionValidator jwt;

    /** @param jwt the JWT validator, or {@code null} when JWTs are not accepted */
    public TokenRouter(SessionValidator opaque, SessionValidator jwt) {
        this.opaque = opaque;
        this.jwt = jwt;
    }

    @Override
    public CompletionStage<Optional<Session>> validate(String sessionToken) {
        if (sessionToken.length() > MAX_TOKEN_LENGTH) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (jwt != null && JwtSessionValidator.looksLikeJwt(sessionToken)) {
            return jwt.validate(sessionToken);
        }
        return opaque.validate(sessionToken);
    }
}
