package dev.redisconnector.registry.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM encryption of secrets bound to a client and a field.
 *
 * <p>Format: {@code v1:<keyId>:<base64(nonce || ciphertext || tag)>}. Each call draws a fresh random 96-bit nonce;
 * the associated data is {@code redis-connector/v1/<clientId>/<field>}, so a ciphertext copied to another client's
 * row or another field fails to decrypt. Thread-safe.
 */
public final class SecretCipher {

    private static final String PREFIX = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Keyring keyring;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(Keyring keyring) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
    }

    /** Encrypts {@code plaintext} for {@code clientId}'s {@code field} with the write key. */
    public String encrypt(String plaintext, String clientId, String field) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keyring.writeKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(clientId, field));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
            return PREFIX + ":" + keyring.writeKeyId() + ":" + Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * Decrypts a value written by {@link #encrypt}.
     *
     * @throws SecretDecryptionException when the key is unknown, the value was tampered with, or it belongs to another
     *                                   client or field
     */
    public String decrypt(String stored, String clientId, String field) {
        String[] parts = stored == null ? new String[0] : stored.split(":", 3);
        if (parts.length != 3 || !PREFIX.equals(parts[0])) {
            throw new SecretDecryptionException("the stored value is not in a known format");
        }
        SecretKey key = keyring.key(parts[1]);
        if (key == null) {
            throw new SecretDecryptionException("it was encrypted with master key '" + parts[1]
                    + "', which is not configured");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new SecretDecryptionException("the stored value is not valid base64");
        }
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretDecryptionException("the stored value is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
            cipher.updateAAD(aad(clientId, field));
            byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SecretDecryptionException("it does not belong to this client or was tampered with");
        } catch (GeneralSecurityException e) {
            throw new SecretDecryptionException("decryption failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The key id a stored value was encrypted with, or {@code null} when the format is unknown. */
    public static String keyIdOf(String stored) {
        String[] parts = stored == null ? new String[0] : stored.split(":", 3);
        return parts.length == 3 ? parts[1] : null;
    }

    /** The keyring in use. */
    public Keyring keyring() {
        return keyring;
    }

    private static byte[] aad(String clientId, String field) {
        return ("redis-connector/v1/" + clientId + "/" + field).getBytes(StandardCharsets.UTF_8);
    }
}
