package dev.redisconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.execution.HostPolicy;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.reply.ReplyJson;
import dev.redisconnector.core.reply.ReplyValues;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.testing.FreePorts;
import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pipeline against real redis-server processes: plain, password-protected and ACL. */
class RedisConnectorIT {

    @RegisterExtension
    static final RedisServerExtension PLAIN = RedisServerExtension.builder().build();

    @RegisterExtension
    static final RedisServerExtension SECURED = RedisServerExtension.builder()
            .password("top-secret-pw")
            .aclUser("app", "app-pw", "~app:* +@read +@write")
            .build();

    private static final InMemorySpi SPI = new InMemorySpi();
    private static RedisConnector connector;
    private static String acme;

    @BeforeAll
    static void start() {
        connector = RedisConnector.builder().sessionValidator(SPI).serviceRegistry(SPI).credentialStore(SPI)
                .options(ConnectorOptions.builder().hostPolicy(HostPolicy.ALLOW_LOOPBACK).maxReplyBytes(64 * 1024)
                        .build()).build();
        SPI.register("acme", PLAIN.port(), 0, null);
        SPI.credentials.put("acme", RedisCredentials.none(1));
        acme = SPI.login("alice", "acme");
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    private static Object run(String token, String command, Object... args) {
        return ReplyValues.toJava(connector.execute(ExecuteRequest.of(token, command, args)), Encoding.UTF8);
    }

    private static ConnectorException failure(String token, String command, Object... args) {
        try {
            connector.execute(ExecuteRequest.of(token, command, args));
        } catch (ConnectorException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    private static void assertError(ConnectorException e, ErrorCode code, Step step, String message) {
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.step()).isEqualTo(step);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void seedExampleSetsTheKey() {
        assertThat(run(acme, "SET", "order:12345", "delivered")).isEqualTo("OK");
        assertThat(PLAIN.server().call("GET", "order:12345")).isEqualTo("delivered");
    }

    @Test
    void asyncExecutionGivesTheSameReply() {
        Reply reply = connector.executeAsync(ExecuteRequest.of(acme, "ECHO", "hi")).toCompletableFuture().join();
        assertThat(ReplyJson.toJson(reply, Encoding.UTF8)).isEqualTo("\"hi\"");
    }

    @Test
    void replyMappingCoversEveryResp3Type() {
        run(acme, "DEL", "h", "s", "z", "x", "l");
        run(acme, "HSET", "h", "f1", "v1", "f2", "v2");
        assertThat(run(acme, "HGETALL", "h")).isEqualTo(Map.of("f1", "v1", "f2", "v2"));
        run(acme, "SADD", "s", "a", "b");
        assertThat(run(acme, "SMEMBERS", "s")).asInstanceOf(InstanceOfAssertFactories.LIST).containsExactlyInAnyOrder("a", "b");
        run(acme, "ZADD", "z", "1.5", "m");
        assertThat(run(acme, "ZSCORE", "z", "m")).isEqualTo(1.5);
        assertThat(run(acme, "GET", "missing-key")).isNull();
        assertThat(run(acme, "INCR", "counter-" + System.nanoTime())).isEqualTo(1L);
        assertThat(run(acme, "EXISTS", "h")).isEqualTo(1L);
        run(acme, "XADD", "x", "1-1", "field", "value");
        assertThat(run(acme, "XRANGE", "x", "-", "+")).isEqualTo(List.of(List.of("1-1", List.of("field", "value"))));
        assertThat(run(acme, "EVAL", "return {1, 'two', {3}}", 0)).isEqualTo(List.of(1L, "two", List.of(3L)));
        assertThat(run(acme, "EVAL", "return redis.setresp(3) or redis.call('HGETALL', KEYS[1])", 1, "h"))
                .isEqualTo(Map.of("f1", "v1", "f2", "v2"));
        // RESP3 boolean, double, big number and null through Lua's RESP3 conversion
        assertThat(run(acme, "EVAL", "redis.setresp(3); return {true, {double=3.25}, {big_number='1234567890123456789012'}}", 0))
                .isEqualTo(List.of(true, 3.25, "1234567890123456789012"));
        assertThat(run(acme, "EVAL", "redis.setresp(3); return {double=tonumber(ARGV[1])}", 0, "inf"))
                .isEqualTo("inf");
        assertThat(run(acme, "EVAL", "return {1, redis.error_reply('MYERR inner failure'), 3}", 0))
                .isEqualTo(List.of(1L, Map.of("error", "MYERR inner failure"), 3L));
        assertThat(run(acme, "CONFIG GET", "maxmemory-policy")).isEqualTo(Map.of("maxmemory-policy", "noeviction"));
    }

    @Test
    void base64ModeRoundTripsBinary() {
        byte[] value = {0, 1, (byte) 0xFF, (byte) 0xC3, '\r', '\n'};
        String key = Base64.getEncoder().encodeToString("bin:key".getBytes());
        String encoded = Base64.getEncoder().encodeToString(value);
        ExecuteOptions base64 = new ExecuteOptions(Encoding.BASE64, null);
        connector.execute(new ExecuteRequest(acme, Inputs.of("SET", key, encoded), base64));
        Reply reply = connector.execute(new ExecuteRequest(acme, Inputs.of("GET", key), base64));
        assertThat(ReplyJson.toJson(reply, Encoding.BASE64)).isEqualTo("\"" + encoded + "\"");
        assertThat(((Reply.StringReply) reply).bytes()).containsExactly(value);
    }

    @Test
    void moduleAndUnknownCommandsAreSentAsIs() {
        ConnectorException e = failure(acme, "JSON.GET", "doc", "$");
        assertThat(e.code()).isEqualTo(ErrorCode.REDIS_ERROR);
        assertThat(e.getMessage()).startsWith("ERR unknown command 'JSON.GET'");
    }

    @Test
    void notLoggedInForMissingOrUnknownTokens() {
        for (String token : new String[] {null, "", "garbage"}) {
            assertError(failure(token, "GET", "k"), ErrorCode.NOT_LOGGED_IN, Step.SESSION,
                    "Please log in to run Redis commands.");
        }
    }

    @Test
    void commandRequired() {
        assertError(failure(acme, " "), ErrorCode.COMMAND_REQUIRED, Step.COMMAND,
                "inputs.command is required: name the Redis command to run, e.g. \"GET\".");
    }

    @Test
    void connectionSafetyRefusal() {
        assertError(failure(acme, "SELECT", 1), ErrorCode.COMMAND_NOT_ALLOWED, Step.POLICY,
                "SELECT is not allowed: it would change the state of the connection shared by every user of this"
                        + " client.");
    }

    @Test
    void noRedisService() {
        String token = SPI.login("bob", "nobody");
        assertError(failure(token, "GET", "k"), ErrorCode.NO_REDIS_SERVICE, Step.SERVICE,
                "No Redis service exists for client 'nobody'.");
    }

    @Test
    void noCredentials() {
        SPI.register("nocreds", PLAIN.port(), 0, null);
        String token = SPI.login("carol", "nocreds");
        assertError(failure(token, "GET", "k"), ErrorCode.NO_CREDENTIALS, Step.CREDENTIALS,
                "No credentials are stored for the Redis service of client 'nocreds'.");
    }

    @Test
    void registryUnavailable() {
        String token = SPI.login("dave", "acme");
        SPI.registryDown = true;
        try {
            assertError(failure(token, "GET", "k"), ErrorCode.REGISTRY_UNAVAILABLE, Step.SERVICE,
                    "The service registry is unavailable; try again shortly.");
        } finally {
            SPI.registryDown = false;
        }
    }

    @Test
    void redisErrorCarriesRedisText() {
        run(acme, "SET", "plain-string", "x");
        assertError(failure(acme, "LPUSH", "plain-string", "a"), ErrorCode.REDIS_ERROR, Step.EXECUTION,
                "WRONGTYPE Operation against a key holding the wrong kind of value");
        assertThat(failure(acme, "SET", "k").getMessage()).isEqualTo("ERR wrong number of arguments for 'set' command");
    }

    @Test
    void redisUnavailableForAClosedPort() {
        SPI.register("closed", FreePorts.next(), 0, null);
        SPI.credentials.put("closed", RedisCredentials.none(1));
        String token = SPI.login("erin", "closed");
        assertError(failure(token, "PING"), ErrorCode.REDIS_UNAVAILABLE, Step.EXECUTION,
                "Could not connect to the Redis service of client 'closed'.");
    }

    @Test
    void wrongPasswordIsAuthFailedWithoutThePassword() {
        SPI.register("wrongpw", SECURED.port(), 0, null);
        SPI.credentials.put("wrongpw", RedisCredentials.password(null, "not-the-password", 1));
        String token = SPI.login("frank", "wrongpw");
        ConnectorException e = failure(token, "PING");
        assertThat(e.code()).isEqualTo(ErrorCode.REDIS_AUTH_FAILED);
        assertThat(e.step()).isEqualTo(Step.EXECUTION);
        assertThat(e.getMessage()).startsWith("Redis rejected the stored credentials of the Redis service of client"
                + " 'wrongpw': WRONGPASS").doesNotContain("not-the-password");
    }

    /**
     * Lettuce closes the channel after a refused login and, now and then, reports the close instead of the refusal;
     * the user must read "wrong password" every time, not "could not connect". 1,500 refused logins, 4 at a time, each
     * on a connection of its own (a password of its own): without the connector's second attempt, most runs had one
     * or two "could not connect".
     */
    @Test
    void everyRefusedLoginIsAuthFailedUnderLoad() throws Exception {
        int logins = 1500;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < logins; i++) {
            SPI.register("refused" + i, SECURED.port(), 0, null);
            SPI.credentials.put("refused" + i, RedisCredentials.password(null, "wrong-" + i, 1));
            tokens.add(SPI.login("r" + i, "refused" + i));
        }
        Map<String, Integer> outcomes = new ConcurrentSkipListMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (String token : tokens) {
                pool.submit(() -> {
                    ConnectorException e = failure(token, "PING");
                    outcomes.merge(e.code() + " " + e.getMessage().replaceAll("'refused\\d+'", "'refused…'"), 1,
                            Integer::sum);
                });
            }
        }
        assertThat(outcomes).containsOnlyKeys("REDIS_AUTH_FAILED Redis rejected the stored credentials of the Redis"
                + " service of client 'refused…': WRONGPASS invalid username-password pair or user is disabled.");
    }

    @Test
    void passwordAndAclUserAuthenticate() {
        SPI.register("pw", SECURED.port(), 0, null);
        SPI.credentials.put("pw", RedisCredentials.password(null, "top-secret-pw", 1));
        assertThat(run(SPI.login("g", "pw"), "PING")).isEqualTo("PONG");
        SPI.register("acl", SECURED.port(), 0, null);
        SPI.credentials.put("acl", RedisCredentials.password("app", "app-pw", 1));
        String token = SPI.login("h", "acl");
        assertThat(run(token, "SET", "app:1", "v")).isEqualTo("OK");
        ConnectorException denied = failure(token, "SET", "other:1", "v");
        assertThat(denied.code()).isEqualTo(ErrorCode.REDIS_ERROR);
        assertThat(denied.getMessage()).startsWith("NOPERM");
    }

    @Test
    void timeoutSaysOutcomeUnknown() {
        SPI.register("slow", PLAIN.port(), 0, Duration.ofMillis(300));
        SPI.credentials.put("slow", RedisCredentials.none(1));
        String token = SPI.login("ivan", "slow");
        assertThat(run(token, "PING")).isEqualTo("PONG");
        long started = System.nanoTime();
        assertError(failure(token, "EVAL", "local t = redis.call('TIME') while true do local n = redis.call('TIME')"
                        + " if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 800000 then return 1 end end", 0),
                ErrorCode.TIMEOUT, Step.EXECUTION,
                "Redis did not reply within 300 ms; the outcome is unknown: the command may or may not have run.");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(750));
    }

    @Test
    void requestTimeoutLowersButNeverRaisesTheServiceTimeout() {
        ExecuteOptions fast = new ExecuteOptions(Encoding.UTF8, Duration.ofMillis(100));
        assertThat(run(acme, "PING")).isEqualTo("PONG");
        assertThat(PLAIN.server().call("CLIENT", "PAUSE", "400", "ALL")).isEqualTo("+OK");
        ConnectorException e = (ConnectorException) Assertions.catchThrowable(
                () -> connector.execute(new ExecuteRequest(acme, Inputs.of("GET", "k"), fast)));
        assertError(e, ErrorCode.TIMEOUT, Step.EXECUTION,
                "Redis did not reply within 100 ms; the outcome is unknown: the command may or may not have run.");
    }

    @Test
    void resultTooLarge() {
        run(acme, "SET", "big", "x".repeat(100 * 1024));
        assertThat(failure(acme, "GET", "big").code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
        assertThat(failure(acme, "GET", "big").getMessage()).startsWith(
                "The reply is larger than the limit of 65536 bytes");
        assertThat(run(acme, "STRLEN", "big")).isEqualTo(102400L);
        // a huge single value is dropped as it arrives (never buffered whole), also inside an array
        long dropped = connector.commandExecutor().stats().droppedValues();
        run(acme, "SET", "order:12345", "delivered");
        run(acme, "SET", "huge", "y".repeat(8 * 1024 * 1024));
        assertThat(failure(acme, "MGET", "order:12345", "huge").code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
        assertThat(connector.commandExecutor().stats().droppedValues()).isGreaterThan(dropped);
        assertThat(run(acme, "GET", "order:12345")).isEqualTo("delivered");
        run(acme, "DEL", "huge");
    }

    @Test
    void internalErrorHidesTheCause() {
        CommandExecutor broken = new CommandExecutor() {
            @Override
            public CompletableFuture<Reply> execute(ExecutionTarget target, ClassifiedCommand command,
                                                    Duration timeout) {
                throw new IllegalStateException("secret detail top-secret-pw");
            }

            @Override
            public void close() {
            }
        };
        try (RedisConnector buggy = RedisConnector.builder().sessionValidator(SPI).serviceRegistry(SPI)
                .credentialStore(SPI).commandExecutor(broken).build()) {
            assertThatThrownBy(() -> buggy.execute(ExecuteRequest.of(acme, "PING")))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                        assertThat(e.getMessage()).matches("An internal error occurred \\(reference [0-9a-f]{8}\\)\\.");
                    });
        }
    }

    @Test
    void twoClientsNeverSeeEachOthersKeys() {
        try (var other = RedisServerProcess.start(List.of(),
                PLAIN.server().directory().resolve("other"))) {
            SPI.register("globex", other.port(), 0, null);
            SPI.credentials.put("globex", RedisCredentials.none(1));
            String globex = SPI.login("gina", "globex");
            run(acme, "SET", "tenant:marker", "acme");
            run(globex, "SET", "tenant:marker", "globex");
            assertThat(run(acme, "GET", "tenant:marker")).isEqualTo("acme");
            assertThat(run(globex, "GET", "tenant:marker")).isEqualTo("globex");
            run(acme, "SET", "only:acme", "1");
            assertThat(run(globex, "EXISTS", "only:acme")).isEqualTo(0L);
        }
    }

    private static long connectorConnections(RedisServerExtension redis) {
        return redis.server().call("CLIENT", "LIST").lines().filter(line -> line.contains("name=redis-connector"))
                .count();
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (RedisConnector quick = RedisConnector.builder().sessionValidator(SPI).serviceRegistry(SPI)
                .credentialStore(SPI).options(ConnectorOptions.builder().hostPolicy(HostPolicy.ALLOW_LOOPBACK)
                        .connectionIdleTimeout(Duration.ofMillis(300)).build()).build()) {
            SPI.register("idle", SECURED.port(), 0, null);
            SPI.credentials.put("idle", RedisCredentials.password(null, "top-secret-pw", 1));
            String token = SPI.login("idle-user", "idle");
            long before = connectorConnections(SECURED);
            quick.execute(ExecuteRequest.of(token, "PING"));
            assertThat(connectorConnections(SECURED)).isEqualTo(before + 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (connectorConnections(SECURED) > before && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(connectorConnections(SECURED)).isEqualTo(before);
            assertThat(ReplyValues.toJava(quick.execute(ExecuteRequest.of(token, "PING")), Encoding.UTF8))
                    .isEqualTo("PONG");
        }
    }

    @Test
    void clientsOnOneRedisIdentityShareConnectionsAndNoOtherClientDoes() {
        CommandExecutor executor = connector.commandExecutor();
        for (String client : List.of("same-a", "same-b", "other-db", "other-user")) {
            SPI.register(client, PLAIN.port(), client.equals("other-db") ? 6 : 5, null);
        }
        SPI.credentials.put("same-a", RedisCredentials.none(1));
        SPI.credentials.put("same-b", RedisCredentials.none(7));
        SPI.credentials.put("other-db", RedisCredentials.none(1));
        SPI.credentials.put("other-user", RedisCredentials.password("default", "ignored-by-a-server-without-auth",
                1));
        long before = executor.stats().sharedConnections();
        run(SPI.login("ua", "same-a"), "SET", "shared:identity", "a");
        // same address, database and credentials: the same connection (and, naturally, the same data)
        assertThat(run(SPI.login("ub", "same-b"), "GET", "shared:identity")).isEqualTo("a");
        assertThat(executor.stats().sharedConnections()).isEqualTo(before + 1);
        // another database, or other credentials: a connection of its own
        assertThat(run(SPI.login("uc", "other-db"), "GET", "shared:identity")).isNull();
        assertThat(executor.stats().sharedConnections()).isEqualTo(before + 2);
        // (the default user of a server without a password takes any password: the AUTH succeeds)
        assertThat(run(SPI.login("ud", "other-user"), "PING")).isEqualTo("PONG");
        assertThat(executor.stats().sharedConnections()).isEqualTo(before + 3);
        // one client moving away leaves the shared connection to the other; the last one leaving closes it
        var moved = SPI.services.get("same-a");
        SPI.services.put("same-a", new RedisService(moved.clientId(), moved.serviceId(), 2, moved.host(),
                moved.port(), 6, moved.tls(), moved.connectTimeout(), moved.commandTimeout()));
        assertThat(run(SPI.login("ua2", "same-a"), "GET", "shared:identity")).isNull();
        assertThat(run(SPI.login("ub2", "same-b"), "GET", "shared:identity")).isEqualTo("a");
        run(SPI.login("ub3", "same-b"), "DEL", "shared:identity");
    }

    @Test
    void oneConnectionIsSharedAndANewServiceVersionReplacesIt() {
        SPI.register("shared", PLAIN.port(), 0, null);
        // a login of its own (the server takes any password for its default user): a connection no other client shares
        SPI.credentials.put("shared", RedisCredentials.password("default", "only-this-client", 1));
        String token = SPI.login("u1", "shared");
        CommandExecutor executor = connector.commandExecutor();
        List<CompletableFuture<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(connector.executeAsync(ExecuteRequest.of(token, "INCR", "shared:counter"))
                    .toCompletableFuture());
        }
        calls.forEach(CompletableFuture::join);
        long before = executor.stats().sharedConnections();
        long onServer = connectorConnections(PLAIN);
        assertThat(PLAIN.server().call("GET", "shared:counter")).isEqualTo("200");
        // the service moves to database 3: the old connection is closed and the new one selects db 3
        var moved = SPI.services.get("shared");
        SPI.services.put("shared", new RedisService(moved.clientId(), moved.serviceId(),
                2, moved.host(), moved.port(), 3, moved.tls(), moved.connectTimeout(), moved.commandTimeout()));
        run(token, "SET", "db3:key", "v");
        assertThat(PLAIN.server().call("EXISTS", "db3:key")).isEqualTo(":0");
        assertThat(executor.stats().sharedConnections()).isEqualTo(before);
        // the old connection is gone (no growth); a connection an earlier test left closing may be gone too
        assertThat(connectorConnections(PLAIN)).isLessThanOrEqualTo(onServer);
    }
}
