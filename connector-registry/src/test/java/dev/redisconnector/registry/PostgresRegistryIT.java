package dev.redisconnector.registry;

import dev.redisconnector.testing.TestDatabases;
import dev.redisconnector.testing.TestDatabases.TestDatabase;

/** The registry suite on the local PostgreSQL, each test in a fresh database. */
class PostgresRegistryIT extends RegistryContract {

    @Override
    TestDatabase newDatabase() {
        return TestDatabases.postgres();
    }
}
