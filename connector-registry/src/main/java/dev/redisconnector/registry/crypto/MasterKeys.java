package dev.redisconnector.registry.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Where the master keys come from, in this order: a key given directly (base64, {@code RC_MASTER_KEY}), a key file
 * ({@code RC_MASTER_KEY_FILE}, lines {@code id=base64key}), or a file generated in the data directory on first start
 * with owner-only permissions. Stateless.
 */
public final class MasterKeys {

    /** Name of the generated key file inside the data directory. */
    public static final String GENERATED_FILE = "master.key";

    private MasterKeys() {
    }

    /**
     * Loads the keyring.
     *
     * @param directKey  base64 key, or {@code null}
     * @param keyFile    key file, or {@code null}
     * @param writeKeyId the key id to write with, or {@code null} for the file's last key ({@code "k1"} for a direct
     *                   key)
     * @param dataDir    where to generate a key file when neither is given; {@code null} means "do not generate"
     */
    public static Keyring load(String directKey, Path keyFile, String writeKeyId, Path dataDir) {
        if (directKey != null && !directKey.isBlank()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(directKey.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("RC_MASTER_KEY is not valid base64");
            }
            String id = writeKeyId != null && !writeKeyId.isBlank() ? writeKeyId : "k1";
            return Keyring.of(Map.of(id, key), id);
        }
        if (keyFile != null) {
            return Keyring.parse(read(keyFile), writeKeyId);
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("no master key: set RC_MASTER_KEY or RC_MASTER_KEY_FILE");
        }
        Path generated = dataDir.resolve(GENERATED_FILE);
        if (!Files.exists(generated)) {
            generate(generated);
        }
        return Keyring.parse(read(generated), writeKeyId);
    }

    private static void generate(Path file) {
        String id = "k" + LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);
        String content = "# redis-connector master key: keep it secret and back it up; without it stored"
                + " credentials cannot be decrypted.\n" + Keyring.generateKeyLine(id) + "\n";
        try {
            Files.createDirectories(file.getParent());
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException raced) {
            // another process generated it first; use theirs
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the master key file " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the master key file " + file, e);
        }
    }
}
