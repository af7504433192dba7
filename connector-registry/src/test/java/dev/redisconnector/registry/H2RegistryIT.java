package dev.redisconnector.registry;

import dev.redisconnector.testing.TestDatabases;
import dev.redisconnector.testing.TestDatabases.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry suite on embedded H2. */
class H2RegistryIT extends RegistryContract {

    @TempDir
    Path directory;

    @Override
    TestDatabase newDatabase() {
        return TestDatabases.h2(directory);
    }
}
