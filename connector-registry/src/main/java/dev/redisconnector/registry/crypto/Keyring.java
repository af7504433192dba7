package dev.redisconnector.registry.crypto;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master keys: several readable at once (for rotation), one used for writing. Immutable and thread-safe;
 * {@code toString()} shows key ids only.
 */
public final class Keyring {

    private static final int KEY_BYTES = 32;

    private final Map<String, SecretKey> keys;
    private final String writeKeyId;

    private Keyring(Map<String, SecretKey> keys, String writeKeyId) {
        this.keys = Map.copyOf(keys);
        this.writeKeyId = writeKeyId;
        if (!this.keys.containsKey(writeKeyId)) {
            throw new IllegalArgumentException("the write key '" + writeKeyId + "' is not among the keys " + ids());
        }
    }

    /**
     * A keyring from raw keys.
     *
     * @param keys       key id to 32 key bytes
     * @param writeKeyId the id of the key new values are encrypted with
     */
    public static Keyring of(Map<String, byte[]> keys, String writeKeyId) {
        Map<String, SecretKey> converted = new LinkedHashMap<>();
        keys.forEach((id, bytes) -> {
            checkId(id);
            if (bytes.length != KEY_BYTES) {
                throw new IllegalArgumentException("master key '" + id + "' must be 32 bytes (256 bits), not "
                        + bytes.length);
            }
            converted.put(id, new SecretKeySpec(bytes, "AES"));
        });
        return new Keyring(converted, Objects.requireNonNull(writeKeyId, "writeKeyId"));
    }

    /**
     * Parses key lines of the form {@code id=base64key} (blank lines and {@code #} comments ignored). The write key
     * is {@code writeKeyId} when given, else the last line.
     */
    public static Keyring parse(String text, String writeKeyId) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String last = null;
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a master key line must look like id=base64key");
            }
            String id = line.substring(0, eq).strip();
            byte[] key;
            try {
                key = Base64.getDecoder().decode(line.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("master key '" + id + "' is not valid base64");
            }
            keys.put(id, key);
            last = id;
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no master key found");
        }
        return of(keys, writeKeyId != null && !writeKeyId.isBlank() ? writeKeyId : last);
    }

    /** A new random key line {@code id=base64key}. */
    public static String generateKeyLine(String id) {
        checkId(id);
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return id + "=" + Base64.getEncoder().encodeToString(key);
    }

    private static void checkId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("a master key id must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    /** The key new values are encrypted with. */
    public String writeKeyId() {
        return writeKeyId;
    }

    /** Every readable key id. */
    public Set<String> ids() {
        return keys.keySet();
    }

    SecretKey key(String id) {
        return keys.get(id);
    }

    SecretKey writeKey() {
        return keys.get(writeKeyId);
    }

    @Override
    public String toString() {
        return "Keyring[write=" + writeKeyId + ", ids=" + ids() + "]";
    }
}
