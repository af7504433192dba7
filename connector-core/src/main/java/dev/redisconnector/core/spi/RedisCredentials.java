package dev.redisconnector.core.spi;

import java.util.Objects;

/**
 * Decrypted credentials of a service. {@code toString()} masks every secret.
 *
 * @param kind              {@link Kind#NONE} for a service without a password, {@link Kind#PASSWORD} otherwise
 * @param username          ACL username, or {@code null} for the default user
 * @param password          the password for {@link Kind#PASSWORD}; {@code null} for {@link Kind#NONE}
 * @param version           changes whenever the credentials are set again; connections are keyed by it
 * @param sentinel          credentials for the sentinels themselves, or {@code null}
 * @param clientCertificate client certificate and key for mutual TLS, or {@code null}
 */
public record RedisCredentials(Kind kind, String username, Secret password, long version, SentinelAuth sentinel,
                               ClientCertificate clientCertificate) {

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

    public RedisCredentials(Kind kind, String username, Secret password, long version) {
        this(kind, username, password, version, null, null);
    }

    /** Credentials of kind {@code none}. */
    public static RedisCredentials none(long version) {
        return new RedisCredentials(Kind.NONE, null, null, version);
    }

    /** Password credentials, with an optional ACL username. */
    public static RedisCredentials password(String username, String password, long version) {
        return new RedisCredentials(Kind.PASSWORD, username, Secret.of(password), version);
    }

    /** The same credentials with sentinel authentication and/or a TLS client certificate. */
    public RedisCredentials with(SentinelAuth sentinelAuth, ClientCertificate certificate) {
        return new RedisCredentials(kind, username, password, version, sentinelAuth, certificate);
    }

    /** Username (optional) and password the sentinels require. */
    public record SentinelAuth(String username, Secret password) {
        public SentinelAuth {
            Objects.requireNonNull(password, "password");
        }
    }

    /** A PEM client certificate chain and its PEM private key (unencrypted PKCS#8). */
    public record ClientCertificate(String certificatePem, Secret privateKeyPem) {
        public ClientCertificate {
            Objects.requireNonNull(certificatePem, "certificatePem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        }
    }

    @Override
    public String toString() {
        return "RedisCredentials[kind=" + kind + ", username=" + username + ", password=" + password
                + ", version=" + version + ", sentinel=" + (sentinel == null ? "none" : "******")
                + ", clientCertificate=" + (clientCertificate == null ? "none" : "******") + "]";
    }
}
