package dev.redisconnector.registry;

import java.time.Instant;

/**
 * A session as operators see it: never the token. Immutable.
 *
 * @param sessionId id used to list and revoke it
 * @param userId    the user it belongs to
 * @param clientId  the client whose Redis service it reaches
 * @param readOnly  whether it may only run read-only commands
 * @param createdAt when it was created
 * @param expiresAt when it stops working
 * @param revokedAt when it was revoked, or {@code null}
 */
public record SessionInfo(String sessionId, String userId, String clientId, boolean readOnly, Instant createdAt,
                          Instant expiresAt, Instant revokedAt) {

    /** Whether the session works at {@code now}. */
    public boolean isLive(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }
}
