package dev.redisconnector.core.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Checks a mutual-TLS client certificate and key before they are stored, so a key that does not belong to its
 * certificate is refused at once instead of failing every TLS handshake later. Stateless.
 */
public final class ClientCertificates {

    private ClientCertificates() {
    }

    /**
     * Throws {@link IllegalArgumentException} (with a message fit for the operator, never the key) unless
     * {@code privateKeyPem} is the private key of the first certificate in {@code certificatePem}: a challenge signed
     * with the key must verify with the certificate's public key.
     */
    public static void requireMatchingKey(String certificatePem, String privateKeyPem) {
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("the TLS client certificate cannot be read as an X.509 PEM certificate");
        }
        try {
            key = TlsMaterial.privateKey(privateKeyPem);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the TLS client key cannot be read as a PKCS#8 RSA, EC or Ed25519 key");
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException mismatchedAlgorithms) {
            // an RSA key with an EC certificate (or the like) does not match either
        }
        throw new IllegalArgumentException("the TLS client key does not belong to the client certificate (the"
                + " certificate's public key is another key's); store the key the certificate was issued for");
    }
}
