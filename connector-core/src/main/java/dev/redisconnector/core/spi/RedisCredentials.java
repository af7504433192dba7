package dev.redisconnector.core.spi;

import java.util.Objects;

/**
 * Decrypted credentials of a service. {@code toString()} masks the password.
 *
 * @param kind     {@link Kind#NONE} for a service without a password, {@link Kind#PASSWORD} otherwise
 * @param username ACL username, or {@code null} for the default user
 * @param password the password for {@link Kind#PASSWORD}; {@code null} for {@link Kind#NONE}
 * @param version  changes whenever the credentials are set again; connections are keyed by it
 */
public record RedisCredentials(Kind kind, String username, Secret password, long version) {

    /** Kinds of credentials. */
    public enum Kind { NONE, PASSWORD }

    public RedisCredentials {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.PASSWORD && password == null) {
            throw new IllegalArgumentException("a password credential needs a password");
        }
        if (kind == Kind.NONE && (password != null || username != null)) {
            throw new IllegalArgumentException("credentials of kind none carry no username or password");
        }
    }

    /** Credentials of kind {@code none}. */
    public static RedisCredentials none(long version) {
        return new RedisCredentials(Kind.NONE, null, null, version);
    }

    /** Password credentials, with an optional ACL username. */
    public static RedisCredentials password(String username, String password, long version) {
        return new RedisCredentials(Kind.PASSWORD, username, Secret.of(password), version);
    }

    @Override
    public String toString() {
        return "RedisCredentials[kind=" + kind + ", username=" + username + ", password=" + password
                + ", version=" + version + "]";
    }
}
