package dev.redisconnector.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A validated session: the specification's {@code session.user} plus when it ends.
 *
 * @param user      the logged-in user and the client (tenant) they belong to; never {@code null}
 * @param expiresAt when the session stops working; {@code null} for the validator to decide
 * @param readOnly  whether this session may only run read-only commands
 */
public record Session(User user, Instant expiresAt, boolean readOnly) {

    public Session {
        Objects.requireNonNull(user, "user");
    }

    /** The specification's {@code session.user}: a user id and the client id whose Redis service is used. */
    public record User(String id, String clientId) {
        public User {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(clientId, "clientId");
        }
    }
}
