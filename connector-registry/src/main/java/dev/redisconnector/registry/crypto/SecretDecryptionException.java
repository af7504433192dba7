package dev.redisconnector.registry.crypto;

/** A stored secret could not be decrypted. The message never contains key material or plaintext. */
public final class SecretDecryptionException extends RuntimeException {

    public SecretDecryptionException(String reason) {
        super(reason, null, false, false);
    }
}
