package dev.redisconnector.registry;

import dev.redisconnector.core.internal.ClientCertificates;
import dev.redisconnector.core.spi.RedisCredentials;

/**
 * Credentials as an operator sets them. {@code toString()} masks every secret.
 *
 * @param kind              none or password
 * @param username          ACL username or {@code null}
 * @param password          the password (kind password), else {@code null}
 * @param sentinelUsername  username the sentinels require, or {@code null}
 * @param sentinelPassword  password the sentinels require, or {@code null} for none
 * @param clientCertificatePem TLS client certificate chain (PEM) for mutual TLS, or {@code null}
 * @param clientKeyPem      its PKCS#8 PEM private key, or {@code null}
 */
public record CredentialsInput(RedisCredentials.Kind kind, String username, String password, String sentinelUsername,
                               String sentinelPassword, String clientCertificatePem, String clientKeyPem) {

    public CredentialsInput {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required: none or password");
        }
        if (kind == RedisCredentials.Kind.PASSWORD && (password == null || password.isEmpty())) {
            throw new IllegalArgumentException("password must not be empty; use kind none for a service without one");
        }
        if (kind == RedisCredentials.Kind.NONE && (password != null || username != null)) {
            throw new IllegalArgumentException("credentials of kind none take no username or password");
        }
        if (password != null && password.length() > 1024 || sentinelPassword != null && sentinelPassword.length() > 1024) {
            throw new IllegalArgumentException("passwords must be at most 1024 characters");
        }
        for (String name : new String[] {username, sentinelUsername}) {
            if (name != null && (name.isBlank() || name.length() > 255 || name.contains(" "))) {
                throw new IllegalArgumentException("usernames must be 1-255 characters without spaces");
            }
        }
        if (sentinelUsername != null && sentinelPassword == null) {
            throw new IllegalArgumentException("a sentinel username needs a sentinel password");
        }
        if ((clientCertificatePem == null) != (clientKeyPem == null)) {
            throw new IllegalArgumentException("a TLS client certificate needs its key, and the key its certificate");
        }
        if (clientCertificatePem != null && (!clientCertificatePem.contains("-----BEGIN CERTIFICATE-----")
                || clientCertificatePem.length() > ServiceDefinition.MAX_PEM_LENGTH)) {
            throw new IllegalArgumentException("the TLS client certificate must be PEM (BEGIN CERTIFICATE)");
        }
        if (clientKeyPem != null && (!clientKeyPem.contains("-----BEGIN PRIVATE KEY-----")
                || clientKeyPem.length() > ServiceDefinition.MAX_PEM_LENGTH)) {
            throw new IllegalArgumentException("the TLS client key must be an unencrypted PKCS#8 PEM key (BEGIN PRIVATE"
                    + " KEY); convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        if (clientCertificatePem != null) {
            ClientCertificates.requireMatchingKey(clientCertificatePem,
                    clientKeyPem);
        }
    }

    /** Password credentials. */
    public static CredentialsInput password(String username, String password) {
        return new CredentialsInput(RedisCredentials.Kind.PASSWORD, username, password, null, null, null, null);
    }

    /** No password. */
    public static CredentialsInput none() {
        return new CredentialsInput(RedisCredentials.Kind.NONE, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
        return "CredentialsInput[kind=" + kind + ", username=" + username + ", password=******, sentinel="
                + (sentinelPassword == null ? "none" : "******") + ", clientCertificate="
                + (clientCertificatePem == null ? "none" : "set") + "]";
    }
}
