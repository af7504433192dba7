package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scripts run only where the service's Redis user is verified to confine them: refused with the user's remaining
 * permissions named while it does not, allowed (and held inside the policy by Redis itself) once the user is made
 * from the printed {@code ACL SETUSER} line; a runaway script is stopped for every other tenant.
 */
class ScriptConfinementIT {

    /** A low busy threshold, so Redis reads the connector's SCRIPT KILL soon after a script's timeout. */
    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().config("busy-reply-threshold 200")
            .build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    @BeforeAll
    static void start() {
        REDIS.server().call("SET", "app:x", "inside");
        REDIS.server().call("SET", "zzz:other", "outside");
    }

    @AfterAll
    static void stop() {
        REDIS.server().call("SCRIPT", "KILL");
    }

    /** Registers the client with scripting on and the default user (which permits everything). */
    static String register(String clientId, JsonObject policy) {
        return SERVER.register(clientId, new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port())
                .put("policy", policy.put("scripting", true)), new JsonObject().put("kind", "none"));
    }

    /** Creates the Redis user from the printed line and stores it as the client's credentials. */
    static JsonObject confine(String clientId) {
        JsonObject acl = SERVER.ok("GET", "/v1/admin/clients/" + clientId + "/acl", null);
        String line = acl.getString("aclSetUser").replace(">PASSWORD", ">pw-" + clientId);
        assertThat(line).startsWith("ACL SETUSER " + clientId + " reset on >pw-" + clientId);
        assertThat(REDIS.server().call(line.split(" "))).isEqualTo("+OK");
        SERVER.ok("PUT", "/v1/admin/clients/" + clientId + "/credentials", new JsonObject().put("kind", "password")
                .put("username", clientId).put("password", "pw-" + clientId));
        return acl;
    }

    static HttpTestClient.Response eval(String token, String script, Object... keysAndArgs) {
        List<Object> args = new ArrayList<>(List.of(script));
        args.addAll(Arrays.asList(keysAndArgs));
        return SERVER.http.command(token, "EVAL", args.toArray());
    }

    @Test
    void scriptsWaitForAConfiningUserAndThenStayInsideThePolicy() {
        String token = register("conf", new JsonObject().put("keyPrefixes", new JsonArray().add("app:")));
        HttpTestClient.Response refused = eval(token, "return redis.call('GET','zzz:other')", 0);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.errorMessage()).startsWith("EVAL is not allowed for client 'conf': scripting is on, but the"
                + " Redis user 'default' still permits ").contains("FLUSHALL").contains("KEYS")
                .endsWith("inside scripts, which the service's policy denies (redis-connector service acl conf prints"
                        + " a matching ACL SETUSER line).");
        JsonObject before = SERVER.ok("GET", "/v1/admin/clients/conf/acl", null);
        assertThat(before.getBoolean("confined")).isFalse();
        assertThat(before.getString("aclSetUser")).contains(" ~app:* ", " &app:* ", " -@all ", " +get ", " +eval ")
                .doesNotContain("+flushall", "+keys", "+scan", "+select", "+move", "+swapdb");

        confine("conf");
        assertThat(SERVER.ok("GET", "/v1/admin/clients/conf/acl", null).getBoolean("confined")).isTrue();
        assertThat(eval(token, "return redis.call('GET','app:x')", 0).body()).isEqualTo("{\"output1\":\"inside\"}");
        assertThat(SERVER.http.command(token, "GET", "app:x").body()).isEqualTo("{\"output1\":\"inside\"}");
        // what the policy denies, Redis now refuses inside the script
        for (String escape : List.of("return redis.call('GET','zzz:other')", "return redis.call('FLUSHALL')",
                "redis.call('SELECT',4) return redis.call('GET','app:x')", "return redis.call('KEYS','*')",
                "return redis.call('SCAN',0)", "return redis.call('PUBLISH','news','x')",
                "return redis.call('SET','zzz:planted','x')")) {
            HttpTestClient.Response answer = eval(token, escape, 0);
            assertThat(answer.status()).as(escape + " -> " + answer.body()).isEqualTo(422);
            assertThat(answer.errorCode()).isEqualTo("REDIS_ERROR");
            assertThat(answer.errorMessage()).as(escape).startsWith("ERR The user executing the script can't");
        }
        assertThat(REDIS.server().call("GET", "zzz:other")).isEqualTo("outside");
        assertThat(REDIS.server().call("EXISTS", "zzz:planted")).isEqualTo(":0");

        // read-only sessions: only read-only scripts, in which Redis refuses writes
        String viewer = SERVER.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "viewer")
                .put("clientId", "conf").put("readOnly", true)).getString("token");
        assertThat(SERVER.http.command(viewer, "EVAL_RO", "return redis.call('GET','app:x')", 0).body())
                .isEqualTo("{\"output1\":\"inside\"}");
        assertThat(SERVER.http.command(viewer, "EVAL", "return 1", 0).status()).isEqualTo(403);
        HttpTestClient.Response write = SERVER.http.command(viewer, "EVAL_RO", "return redis.call('SET','app:x','y')",
                0);
        assertThat(write.errorCode()).isEqualTo("REDIS_ERROR");
        assertThat(REDIS.server().call("GET", "app:x")).isEqualTo("inside");

        // the same through a transaction and a pipeline
        JsonObject batch = new JsonObject().put("inputs", new JsonObject().put("commands", new JsonArray()
                .add(new JsonObject().put("command", "EVAL").put("args", new JsonArray().add("return 7").add(0)))));
        assertThat(SERVER.http.send("POST", "/v1/redis/pipeline", token, batch.encode()).body())
                .isEqualTo("{\"output1\":[7]}");
        assertThat(SERVER.http.send("POST", "/v1/redis/transaction", token, batch.encode()).body())
                .isEqualTo("{\"output1\":[7]}");
    }

    @Test
    void aServiceOnAnotherDatabaseCannotBeConfined() {
        SERVER.register("db3", new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port()).put("database", 3)
                .put("policy", new JsonObject().put("scripting", true)), new JsonObject().put("kind", "none"));
        String token = SERVER.session("db3");
        HttpTestClient.Response refused = eval(token, "return 1", 0);
        assertThat(refused.errorMessage()).isEqualTo("EVAL is not allowed for client 'db3': scripting is on, but the"
                + " service uses database 3, and a Redis user cannot be limited to one database other than 0 (ACL can"
                + " only deny SELECT altogether); register the service on database 0 of its own Redis, or use key"
                + " prefixes.");
    }

    @Test
    void aRunawayScriptIsStoppedSoOtherTenantsGoOn() throws Exception {
        String token = register("busy", new JsonObject());
        confine("busy");
        String neighbour = SERVER.register("neighbour", new JsonObject().put("host", "127.0.0.1")
                .put("port", REDIS.port()), new JsonObject().put("kind", "none"));
        assertThat(SERVER.http.command(neighbour, "PING").status()).isEqualTo(200);
        JsonObject body = new JsonObject().put("inputs", new JsonObject().put("command", "EVAL")
                .put("args", new JsonArray().add("while true do end").add(0))).put("options",
                new JsonObject().put("timeoutMs", 500));
        CompletableFuture<HttpTestClient.Response> runaway = SERVER.http.sendAsync("POST", "/v1/redis/execute", token,
                body.encode());
        HttpTestClient.Response answer = runaway.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.body()).isEqualTo(504);
        assertThat(answer.errorCode()).isEqualTo("TIMEOUT");
        // without the connector's SCRIPT KILL this loop never ends and every tenant gets BUSY for ever
        HttpTestClient.Response ping = null;
        for (int i = 0; i < 100; i++) {
            ping = SERVER.http.command(neighbour, "PING");
            if (ping.status() == 200) {
                break;
            }
            assertThat(ping.errorMessage()).startsWith("BUSY");
            Thread.sleep(100);
        }
        assertThat(ping.body()).isEqualTo("{\"output1\":\"PONG\"}");
        assertThat(REDIS.server().call("PING")).isEqualTo("+PONG");
    }
}
