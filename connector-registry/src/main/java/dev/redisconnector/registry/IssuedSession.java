package dev.redisconnector.registry;

/**
 * A newly created session: the token is shown here once and never again. {@code toString()} masks it.
 *
 * @param token the bearer token to hand to the user
 * @param info  the session's details
 */
public record IssuedSession(String token, SessionInfo info) {

    @Override
    public String toString() {
        return "IssuedSession[token=******, info=" + info + "]";
    }
}
