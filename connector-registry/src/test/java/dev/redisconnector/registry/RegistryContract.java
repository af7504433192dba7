package dev.redisconnector.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import dev.redisconnector.core.CommandEvent;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.registry.crypto.Keyring;
import dev.redisconnector.testing.TestDatabases.TestDatabase;
import dev.redisconnector.testing.TlsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One registry test suite, run unchanged on every database: each subclass only says which database it uses.
 */
abstract class RegistryContract {

    static final String K1 = Keyring.generateKeyLine("k1");
    static final String K2 = Keyring.generateKeyLine("k2");
    static final Keyring KEYS = Keyring.parse(K1, null);

    /** A clock tests can move. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    final MovableClock clock = new MovableClock();
    TestDatabase database;
    Registry registry;

    abstract TestDatabase newDatabase();

    @BeforeEach
    void open() {
        database = newDatabase();
        registry = Registry.open(RegistryConfig.of(database.jdbcUrl(), database.user(), database.password()), KEYS,
                clock);
    }

    @AfterEach
    void close() {
        registry.close();
        database.close();
    }

    private Optional<RedisService> find(String clientId) {
        return registry.services().findService(clientId).toCompletableFuture().join();
    }

    private Optional<RedisCredentials> credentialsOf(String clientId) {
        RedisService service = find(clientId).orElseThrow();
        return registry.credentials().findCredentials(service).toCompletableFuture().join();
    }

    private static final CommandCatalog.CommandSpec GET = new CommandCatalog.CommandSpec("GET", 2,
            Set.of("readonly", "fast"), Set.of("@read", "@string"), 1, 1, 1, List.of());
    private static final CommandCatalog.CommandSpec SET = new CommandCatalog.CommandSpec("SET", -3,
            Set.of("write", "denyoom"), Set.of("@write", "@string"), 1, 1, 1, List.of());

    private static CommandEvent event(String user, CommandCatalog.CommandSpec spec, String name, ErrorCode outcome,
                                      long replyBytes) {
        VerifiedCommand command = new VerifiedCommand(name, List.of("k".getBytes(StandardCharsets.UTF_8)));
        return new CommandEvent(System.currentTimeMillis(), user, "acme", name, outcome, 1_500_000, replyBytes,
                new ClassifiedCommand(command, spec, false, CommandCatalog.EMPTY));
    }

    @Test
    void auditAtWritesRecordsEveryWriteAndRefusalAndCountsEveryRead() {
        AuditTrail audit = registry.audit(Duration.ofDays(1), AuditTrail.Level.WRITES);
        for (int i = 0; i < 1000; i++) {
            audit.onCommand(event("alice", GET, "GET", null, 10));
        }
        audit.onCommand(event("alice", GET, "GET", ErrorCode.TIMEOUT, 0));
        audit.onCommand(event("alice", SET, "SET", null, 2));
        audit.onCommand(event("alice", GET, "GET", ErrorCode.COMMAND_NOT_ALLOWED, 0));
        audit.onCommand(event("bob", null, "MODULE.CMD", null, 3));
        AuditTrail.Query all = new AuditTrail.Query("acme", null, null, null, null, 100);
        List<AuditTrail.Entry> entries = registry.queryAudit(all);
        assertThat(entries).extracting(AuditTrail.Entry::command, AuditTrail.Entry::outcome).containsExactlyInAnyOrder(
                tuple("SET", "OK"), tuple("GET", "COMMAND_NOT_ALLOWED"), tuple("MODULE.CMD", "OK"));
        List<AuditTrail.Count> counts = registry.queryAuditCounts(all);
        assertThat(counts).extracting(AuditTrail.Count::command, AuditTrail.Count::outcome, AuditTrail.Count::commands,
                AuditTrail.Count::replyBytes).containsExactlyInAnyOrder(tuple("GET", "OK", 1000L, 10_000L),
                tuple("GET", "TIMEOUT", 1L, 0L));
        assertThat(counts).allSatisfy(count -> {
            assertThat(count.userId()).isEqualTo("alice");
            assertThat(count.durationMicros()).isEqualTo(count.commands() * 1500);
        });
        // counted after a query: a second flush of the same minute adds a row; readers see the sum (per minute)
        audit.onCommand(event("alice", GET, "GET", null, 10));
        assertThat(registry.queryAuditCounts(new AuditTrail.Query("acme", "alice", null, null, "OK", 10)).stream()
                .mapToLong(AuditTrail.Count::commands).sum()).isEqualTo(1001L);
        assertThat(audit.counted()).isEqualTo(1002L);
    }

    @Test
    void aFullAuditQueueDropsAndCountsNeverSilently() {
        try (AuditTrail audit = new AuditTrail(registry.dataSource(), Duration.ofDays(1), 50, AuditTrail.Level.ALL)) {
            for (int i = 0; i < 5000; i++) {
                audit.onCommand(event("alice", SET, "SET", null, 2));
            }
            audit.close();
            assertThat(audit.dropped()).isPositive();
            assertThat(audit.written() + audit.dropped()).isEqualTo(5000);
        }
    }

    @Test
    void serviceLifecycle() {
        assertThat(find("acme")).isEmpty();
        var created = registry.services().put("acme", ServiceDefinition.of("redis.internal", 6380).withDatabase(2)
                .withTimeouts(Duration.ofMillis(1500), Duration.ofMillis(2500)));
        assertThat(created.created()).isTrue();
        RedisService service = find("acme").orElseThrow();
        assertThat(service.host()).isEqualTo("redis.internal");
        assertThat(service.port()).isEqualTo(6380);
        assertThat(service.database()).isEqualTo(2);
        assertThat(service.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(service.commandTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(service.version()).isEqualTo(1);

        registry.services().put("acme", ServiceDefinition.of("redis.internal", 6380).withDatabase(3));
        RedisService updated = find("acme").orElseThrow();
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.serviceId()).isEqualTo(service.serviceId());
        assertThat(updated.database()).isEqualTo(3);
        assertThat(registry.services().list()).extracting(r -> r.service().clientId()).containsExactly("acme");

        assertThat(registry.services().delete("acme")).isTrue();
        assertThat(find("acme")).isEmpty();
        assertThat(registry.services().delete("acme")).isFalse();
    }

    @Test
    void sentinelAndClusterDefinitionsRoundTrip() {
        registry.services().put("s", ServiceDefinition.sentinel("mymaster", List.of(
                new RedisService.Address("10.0.0.1", 26379), new RedisService.Address("10.0.0.2", 26380)))
                .withTls(new RedisService.TlsSettings(true, false, "-----BEGIN CERTIFICATE-----\nMIIB\n"
                        + "-----END CERTIFICATE-----\n")));
        RedisService sentinel = find("s").orElseThrow();
        assertThat(sentinel.mode()).isEqualTo(RedisService.Mode.SENTINEL);
        assertThat(sentinel.masterName()).isEqualTo("mymaster");
        assertThat(sentinel.nodes()).extracting(Object::toString).containsExactly("10.0.0.1:26379", "10.0.0.2:26380");
        assertThat(sentinel.tls().caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(sentinel.tls().verifyHostname()).isFalse();

        registry.services().put("c", ServiceDefinition.cluster(List.of(
                new RedisService.Address("node-1", 7000))));
        RedisService cluster = find("c").orElseThrow();
        assertThat(cluster.mode()).isEqualTo(RedisService.Mode.CLUSTER);
        assertThat(cluster.host()).isEqualTo("node-1");
        assertThat(cluster.port()).isEqualTo(7000);
        assertThatThrownBy(() -> ServiceDefinition.cluster(List.of()))
                .hasMessageContaining("nodes are required for cluster mode");
        assertThatThrownBy(() -> ServiceDefinition.sentinel("", List.of(
                new RedisService.Address("h", 26379)))).hasMessageContaining("masterName is required");
    }

    @Test
    void sentinelAuthAndClientCertificatesAreEncryptedAndRotated() throws Exception {
        registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
        // a real pair: a key that is not its certificate's is refused when stored
        TlsFiles pki = TlsFiles.generate(
                Files.createTempDirectory("pki"));
        String keyPem = pki.clientKeyPem();
        String secret = keyPem.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
        registry.credentials().set("acme", new CredentialsInput(RedisCredentials.Kind.PASSWORD, "app", "data-pw",
                "sentinel-user", "sentinel-pw", pki.clientCertificatePem(), keyPem));
        RedisCredentials found = credentialsOf("acme").orElseThrow();
        assertThat(found.sentinel().username()).isEqualTo("sentinel-user");
        assertThat(found.sentinel().password().reveal()).isEqualTo("sentinel-pw");
        assertThat(found.clientCertificate().privateKeyPem().reveal()).isEqualTo(keyPem);
        assertThat(found.toString()).doesNotContain("sentinel-pw").doesNotContain(secret);
        assertThat(storedCredentialsRow()).doesNotContain("data-pw").doesNotContain("sentinel-pw")
                .doesNotContain(secret);
        registry.close();
        registry = Registry.open(RegistryConfig.of(database.jdbcUrl(), database.user(), database.password()),
                Keyring.parse(K1 + "\n" + K2, "k2"), clock);
        assertThat(registry.credentials().reencryptAll()).isEqualTo(1);
        registry.close();
        registry = Registry.open(RegistryConfig.of(database.jdbcUrl(), database.user(), database.password()),
                Keyring.parse(K2, null), clock);
        RedisCredentials rotated = credentialsOf("acme").orElseThrow();
        assertThat(rotated.sentinel().password().reveal()).isEqualTo("sentinel-pw");
        assertThat(rotated.clientCertificate().privateKeyPem().reveal()).isEqualTo(keyPem);
        assertThat(registry.credentials().info("acme").orElseThrow().clientCertificate()).isTrue();
    }

    @Test
    void connectionUrlsAreParsed() {
        RedisUrl url = RedisUrl.parse("rediss://app:p%40ss%3Aw%2Frd@redis.example:6380/3");
        assertThat(url.definition().host()).isEqualTo("redis.example");
        assertThat(url.definition().port()).isEqualTo(6380);
        assertThat(url.definition().database()).isEqualTo(3);
        assertThat(url.definition().tls().enabled()).isTrue();
        assertThat(url.credentials().username()).isEqualTo("app");
        assertThat(url.credentials().password()).isEqualTo("p@ss:w/rd");
        assertThat(url.toString()).doesNotContain("p@ss");
        assertThat(RedisUrl.parse("redis://localhost").credentials()).isNull();
        assertThat(RedisUrl.parse("redis://:only-pw@localhost").credentials().username()).isNull();
        assertThatThrownBy(() -> RedisUrl.parse("redis://u:secret-pw@host/notanumber"))
                .hasMessage("the url's path must be a database number, e.g. /0");
    }

    @Test
    void invalidDefinitionsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> ServiceDefinition.of("", 0))
                .hasMessage("host is required; port must be between 1 and 65535");
        assertThatThrownBy(() -> ServiceDefinition.of("bad host!", 6379))
                .hasMessage("host must be a host name or an IP address");
        assertThatThrownBy(() -> registry.services().put("bad client id", ServiceDefinition.of("h", 1)))
                .hasMessage("clientId must be 1-128 letters, digits or . _ - @ :");
    }

    /** Every column of the (single) stored credentials row, as text. */
    private String storedCredentialsRow() throws SQLException {
        try (Connection connection = registry.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT * FROM redis_credentials");
             ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).isTrue();
            StringBuilder wholeRow = new StringBuilder();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                wholeRow.append(rows.getString(i)).append('|');
            }
            return wholeRow.toString();
        }
    }

    @Test
    void credentialsAreEncryptedAtRest() throws Exception {
        registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
        registry.credentials().setPassword("acme", "app", "Sup3r-Secret-Pa55");
        RedisCredentials found = credentialsOf("acme").orElseThrow();
        assertThat(found.kind()).isEqualTo(RedisCredentials.Kind.PASSWORD);
        assertThat(found.username()).isEqualTo("app");
        assertThat(found.password().reveal()).isEqualTo("Sup3r-Secret-Pa55");
        assertThat(found.toString()).doesNotContain("Sup3r-Secret-Pa55");

        assertThat(storedCredentialsRow()).doesNotContain("Sup3r-Secret-Pa55").contains("v1:k1:");
        CredentialsInfo info = registry.credentials().info("acme").orElseThrow();
        assertThat(info.kind()).isEqualTo(RedisCredentials.Kind.PASSWORD);
        assertThat(info.username()).isEqualTo("app");
        assertThat(info.toString()).doesNotContain("Sup3r-Secret-Pa55");
    }

    @Test
    void ciphertextMovedToAnotherClientFailsClearly() throws Exception {
        registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
        registry.services().put("globex", ServiceDefinition.of("127.0.0.1", 6379));
        registry.credentials().setPassword("acme", null, "acme-password");
        registry.credentials().setPassword("globex", null, "globex-password");
        try (Connection connection = registry.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE redis_credentials SET"
                     + " password_ciphertext = (SELECT password_ciphertext FROM redis_credentials WHERE client_id ="
                     + " 'acme') WHERE client_id = 'globex'")) {
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
        registry.credentials().invalidate("globex");
        assertThatThrownBy(() -> credentialsOf("globex")).cause()
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
                    assertThat(e.getMessage()).isEqualTo("The stored credentials of client 'globex' cannot be"
                            + " decrypted: it does not belong to this client or was tampered with. Set them again.");
                });
    }

    @Test
    void credentialsOfKindNoneAndDeletion() {
        registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
        assertThat(credentialsOf("acme")).isEmpty();
        registry.credentials().setNone("acme");
        assertThat(credentialsOf("acme")).hasValueSatisfying(
                c -> assertThat(c.kind()).isEqualTo(RedisCredentials.Kind.NONE));
        assertThat(registry.credentials().delete("acme")).isTrue();
        assertThat(credentialsOf("acme")).isEmpty();
        assertThatThrownBy(() -> registry.credentials().setNone("nobody"))
                .hasMessage("No Redis service exists for client 'nobody'; register the service before its"
                        + " credentials.");
    }

    @Test
    void pointingTheServiceElsewhereDropsTheOldPassword() {
        registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
        registry.credentials().setPassword("acme", null, "old-host-password");
        var sameAddress = registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379).withDatabase(1));
        assertThat(sameAddress.credentialsDropped()).isFalse();
        assertThat(credentialsOf("acme")).isPresent();
        var moved = registry.services().put("acme", ServiceDefinition.of("10.9.9.9", 6379));
        assertThat(moved.credentialsDropped()).isTrue();
        assertThat(credentialsOf("acme")).isEmpty();
    }

    @Test
    void keyRotationReencryptsWithTheNewKey() {
        registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
        registry.credentials().setPassword("acme", null, "rotate-me");
        registry.close();
        Keyring rotated = Keyring.parse(K1 + "\n" + K2, "k2");
        registry = Registry.open(RegistryConfig.of(database.jdbcUrl(), database.user(), database.password()), rotated,
                clock);
        assertThat(credentialsOf("acme").orElseThrow().password().reveal()).isEqualTo("rotate-me");
        assertThat(registry.credentials().reencryptAll()).isEqualTo(1);
        assertThat(registry.credentials().info("acme").orElseThrow().keyId()).isEqualTo("k2");
        assertThat(registry.credentials().reencryptAll()).isZero();
        registry.close();
        registry = Registry.open(RegistryConfig.of(database.jdbcUrl(), database.user(), database.password()),
                Keyring.parse(K2, null), clock);
        assertThat(credentialsOf("acme").orElseThrow().password().reveal()).isEqualTo("rotate-me");
    }

    @Test
    void sessionsValidateExpireAndRevoke() {
        IssuedSession issued = registry.sessions().create("alice", "acme", Duration.ofMinutes(30), false);
        assertThat(issued.token()).startsWith("rcs_").hasSize(47);
        assertThat(issued.toString()).doesNotContain(issued.token());
        Session session = registry.sessions().validate(issued.token()).toCompletableFuture().join().orElseThrow();
        assertThat(session.user().id()).isEqualTo("alice");
        assertThat(session.user().clientId()).isEqualTo("acme");

        clock.now.set(clock.instant().plus(Duration.ofMinutes(31)));
        assertThat(registry.sessions().validate(issued.token()).toCompletableFuture().join()).isEmpty();

        IssuedSession second = registry.sessions().create("bob", "acme", Duration.ofHours(1), true);
        assertThat(registry.sessions().validate(second.token()).toCompletableFuture().join()).isPresent();
        assertThat(registry.sessions().revoke(second.info().sessionId())).isTrue();
        assertThat(registry.sessions().validate(second.token()).toCompletableFuture().join()).isEmpty();
        assertThat(registry.sessions().revoke(second.info().sessionId())).isFalse();
        assertThat(registry.sessions().list("acme", 10)).hasSize(2);
    }

    @Test
    void tokensAreStoredOnlyAsHashes() throws Exception {
        IssuedSession issued = registry.sessions().create("alice", "acme", Duration.ofMinutes(5), false);
        try (Connection connection = registry.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT token_hash FROM connector_session");
             ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).hasSize(64).isNotEqualTo(issued.token())
                    .doesNotContain(issued.token().substring(4));
        }
    }

    @Test
    void forgedAndTruncatedTokensAreRejected() {
        IssuedSession issued = registry.sessions().create("alice", "acme", Duration.ofMinutes(5), false);
        String token = issued.token();
        for (String forged : new String[] {token.substring(0, token.length() - 1), token + "A",
                token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A"), "rcs_", "", "Bearer"}) {
            assertThat(registry.sessions().validate(forged).toCompletableFuture().join()).as(forged).isEmpty();
        }
    }

    @Test
    void cachedLookupsSurviveADatabaseOutage() {
        registry.services().put("acme", ServiceDefinition.of("127.0.0.1", 6379));
        assertThat(find("acme")).isPresent();
        ((HikariDataSource) registry.dataSource()).close();
        // the pool is closed: every database call fails, the cached service is still answered
        assertThat(find("acme")).isPresent();
        assertThatThrownBy(() -> find("uncached")).cause().isInstanceOf(RegistryException.class);
        registry.close();
        registry = Registry.open(RegistryConfig.of(database.jdbcUrl(), database.user(), database.password()), KEYS,
                clock);
    }
}
