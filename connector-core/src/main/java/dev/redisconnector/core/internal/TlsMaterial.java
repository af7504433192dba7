package dev.redisconnector.core.internal;

import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import io.lettuce.core.SslOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Turns a service's PEM material (CA certificates; client certificate chain and PKCS#8 private key) into Lettuce
 * {@link SslOptions} and a JDK {@link SSLContext}. Stateless.
 */
final class TlsMaterial {

    private TlsMaterial() {
    }

    /** Whether the service needs TLS options of its own (a custom CA or a client certificate). */
    static boolean needsOwnOptions(RedisService service, RedisCredentials credentials) {
        return service.tls().enabled()
                && (service.tls().caCertificatePem() != null || credentials.clientCertificate() != null);
    }

    /** Lettuce SSL options with the service's trust anchors and client certificate. */
    static SslOptions sslOptions(RedisService service, RedisCredentials credentials) {
        SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
        try {
            if (service.tls().caCertificatePem() != null) {
                builder.trustManager(trustManagers(service.tls().caCertificatePem()));
            }
            if (credentials.clientCertificate() != null) {
                builder.keyManager(keyManagers(credentials.clientCertificate()));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the TLS certificates or key of the service cannot be used ("
                    + e.getClass().getSimpleName() + ")");
        }
        return builder.build();
    }

    /** A JDK SSL context with the same trust anchors and client certificate (for connection probes). */
    static SSLContext sslContext(RedisService service, RedisCredentials credentials)
            throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(credentials.clientCertificate() == null ? null
                        : keyManagers(credentials.clientCertificate()).getKeyManagers(),
                service.tls().caCertificatePem() == null ? null
                        : trustManagers(service.tls().caCertificatePem()).getTrustManagers(), null);
        return context;
    }

    static TrustManagerFactory trustManagers(String pem) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        int index = 0;
        for (Certificate certificate : certificates(pem)) {
            store.setCertificateEntry("ca-" + index++, certificate);
        }
        if (index == 0) {
            throw new GeneralSecurityException("no certificate in the CA PEM");
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    static KeyManagerFactory keyManagers(RedisCredentials.ClientCertificate certificate)
            throws GeneralSecurityException {
        Collection<? extends Certificate> chain = certificates(certificate.certificatePem());
        PrivateKey key = privateKey(certificate.privateKeyPem().reveal());
        KeyStore store = emptyStore();
        char[] password = new char[0];
        store.setKeyEntry("client", key, password, chain.toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    private static Collection<? extends Certificate> certificates(String pem) throws GeneralSecurityException {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException("the private key must be PKCS#8 PEM (BEGIN PRIVATE KEY)");
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new GeneralSecurityException("unsupported private key algorithm");
    }
}
