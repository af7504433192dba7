package dev.redisconnector.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redisconnector.registry.crypto.Keyring;
import dev.redisconnector.registry.crypto.MasterKeys;
import dev.redisconnector.registry.crypto.SecretCipher;
import dev.redisconnector.registry.crypto.SecretDecryptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

    private final SecretCipher cipher = new SecretCipher(Keyring.parse(Keyring.generateKeyLine("k1"), null));

    @Test
    void roundTripsAndUsesAFreshNonceEachTime() {
        String first = cipher.encrypt("pw", "acme", "password");
        String second = cipher.encrypt("pw", "acme", "password");
        assertThat(first).isNotEqualTo(second).startsWith("v1:k1:");
        assertThat(cipher.decrypt(first, "acme", "password")).isEqualTo("pw");
    }

    @Test
    void boundToClientAndField() {
        String sealed = cipher.encrypt("pw", "acme", "password");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "globex", "password"))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessage("it does not belong to this client or was tampered with");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "acme", "clientKey"))
                .isInstanceOf(SecretDecryptionException.class);
    }

    @Test
    void tamperingAndUnknownKeysAreDetected() {
        String sealed = cipher.encrypt("pw", "acme", "password");
        char last = sealed.charAt(sealed.length() - 3);
        String flipped = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A')
                + sealed.substring(sealed.length() - 2);
        assertThatThrownBy(() -> cipher.decrypt(flipped, "acme", "password"))
                .isInstanceOf(SecretDecryptionException.class);
        SecretCipher other = new SecretCipher(Keyring.parse(Keyring.generateKeyLine("k9"), null));
        assertThatThrownBy(() -> other.decrypt(sealed, "acme", "password"))
                .hasMessage("it was encrypted with master key 'k1', which is not configured");
    }

    @Test
    void generatedKeyFileIsOwnerOnlyAndStable(@TempDir Path dataDir) throws Exception {
        Keyring first = MasterKeys.load(null, null, null, dataDir);
        Path file = dataDir.resolve(MasterKeys.GENERATED_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Keyring second = MasterKeys.load(null, null, null, dataDir);
        assertThat(second.writeKeyId()).isEqualTo(first.writeKeyId());
        String sealed = new SecretCipher(first).encrypt("pw", "acme", "password");
        assertThat(new SecretCipher(second).decrypt(sealed, "acme", "password")).isEqualTo("pw");
    }

    @Test
    void keysMustBe256Bits() {
        assertThatThrownBy(() -> MasterKeys.load("AAAA", null, null, null))
                .hasMessage("master key 'k1' must be 32 bytes (256 bits), not 3");
    }
}
