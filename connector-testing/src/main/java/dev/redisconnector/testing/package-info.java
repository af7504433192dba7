/**
 * JUnit 5 support that starts real servers for integration tests: {@link dev.redisconnector.testing.RedisServerExtension}
 * runs {@code redis-server} processes on free ports, {@link dev.redisconnector.testing.TestDatabases} hands out fresh H2
 * and PostgreSQL databases. Nothing here is a mock.
 */
package dev.redisconnector.testing;
