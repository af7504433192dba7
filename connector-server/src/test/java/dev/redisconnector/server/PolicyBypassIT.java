package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No rule of a policy can be broken through another command: scripts and functions, server-wide script state,
 * listings under a key namespace, other databases, other servers. Every refusal is tried on every path (execute,
 * pipeline, transaction, Upstash body, Upstash path form, Upstash pipeline and multi-exec) against a real Redis.
 */
class PolicyBypassIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        REDIS.server().call("SET", "secret:victim", "top-secret");
        REDIS.server().call("SET", "zzz:other", "not-yours");
    }

    static String register(String clientId, JsonObject service) {
        return SERVER.register(clientId, service.put("host", "127.0.0.1").put("port", REDIS.port()),
                new JsonObject().put("kind", "none"));
    }

    static JsonObject policy(Object... pairs) {
        JsonObject policy = new JsonObject();
        for (int i = 0; i < pairs.length; i += 2) {
            policy.put((String) pairs[i], pairs[i + 1]);
        }
        return new JsonObject().put("policy", policy);
    }

    static JsonObject command(String name, Object... args) {
        return new JsonObject().put("command", name).put("args", new JsonArray(List.of(args)));
    }

    static String upstashArray(String name, Object... args) {
        JsonArray array = new JsonArray().add(name);
        for (Object arg : args) {
            array.add(arg);
        }
        return array.encode();
    }

    record Answer(int status, String body) {
    }

    static Answer upstash(String method, String path, String body, String token) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + SERVER.server.port() + "/upstash" + path)).header("Authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pathForm(String name, Object... args) {
        StringBuilder path = new StringBuilder("/").append(name);
        for (Object arg : args) {
            path.append('/').append(URLEncoder.encode(String.valueOf(arg), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    /**
     * Sends the command through every path and checks that each refuses it with {@code message}: execute (403 with the
     * exact message), a pipeline entry, a transaction (naming the command's index), and the Upstash body, path form,
     * pipeline and multi-exec (status 400 with the code and message, or a pipeline entry with them).
     */
    static void refusedEverywhere(String token, String message, String name, Object... args) {
        HttpTestClient.Response execute = SERVER.http.execute(token, new JsonObject()
                .put("inputs", command(name, args)).encode());
        assertThat(execute.status()).as(execute.body()).isEqualTo(403);
        assertThat(execute.errorCode()).isEqualTo("COMMAND_NOT_ALLOWED");
        assertThat(execute.errorStep()).isEqualTo("policy");
        assertThat(execute.errorMessage()).isEqualTo(message);

        JsonObject inputs = new JsonObject().put("inputs", new JsonObject().put("commands",
                new JsonArray().add(command("PING")).add(command(name, args))));
        HttpTestClient.Response pipeline = SERVER.http.send("POST", "/v1/redis/pipeline", token, inputs.encode());
        assertThat(pipeline.status()).as(pipeline.body()).isEqualTo(200);
        JsonObject entry = pipeline.json().getJsonArray("output1").getJsonObject(1);
        assertThat(entry.getString("code")).isEqualTo("COMMAND_NOT_ALLOWED");
        assertThat(entry.getString("error")).isEqualTo(message);

        HttpTestClient.Response transaction = SERVER.http.send("POST", "/v1/redis/transaction", token,
                inputs.encode());
        assertThat(transaction.status()).as(transaction.body()).isEqualTo(403);
        assertThat(transaction.errorMessage()).isEqualTo("inputs.commands[1]: " + message);

        String upstashError = "{\"error\":" + new JsonArray().add("COMMAND_NOT_ALLOWED: " + message).encode()
                .replaceAll("^\\[|\\]$", "") + "}";
        Answer body = upstash("POST", "", upstashArray(name, args), token);
        assertThat(body.status()).as(body.body()).isEqualTo(400);
        assertThat(body.body()).isEqualTo(upstashError);
        Answer path = upstash("GET", pathForm(name, args), null, token);
        assertThat(path.status()).as(path.body()).isEqualTo(400);
        assertThat(path.body()).isEqualTo(upstashError);
        String batch = "[" + upstashArray("PING") + "," + upstashArray(name, args) + "]";
        Answer upstashPipeline = upstash("POST", "/pipeline", batch, token);
        assertThat(upstashPipeline.body()).contains(message.replace("\"", "\\\""));
        Answer multiExec = upstash("POST", "/multi-exec", batch, token);
        assertThat(multiExec.status()).as(multiExec.body()).isEqualTo(400);
        assertThat(multiExec.body()).contains("COMMAND_NOT_ALLOWED");
    }

    static String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(REDIS.port())));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor();
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String notAllowed(String client, String name, String reason) {
        return name + " is not allowed for client '" + client + "': " + reason + ".";
    }

    static final String SCRIPTS_OFF = "the connector cannot see what a script does, so scripts and functions run"
            + " only when the operator turns scripting on for the service and its Redis user confines scripts to the"
            + " service's policy (redis-connector service acl ";

    @Test
    void scriptsAndFunctionsAreRefusedUnlessTheOperatorTurnsScriptingOn() {
        String token = register("plain", new JsonObject());
        String reason = SCRIPTS_OFF + "plain)";
        refusedEverywhere(token, notAllowed("plain", "EVAL", reason), "EVAL", "return redis.call('KEYS','*')", 0);
        refusedEverywhere(token, notAllowed("plain", "EVAL", reason), "EVAL", "return redis.call('FLUSHALL')", 0);
        refusedEverywhere(token, notAllowed("plain", "EVALSHA", reason), "EVALSHA",
                "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", 0);
        refusedEverywhere(token, notAllowed("plain", "EVAL_RO", reason), "EVAL_RO", "return 1", 0);
        refusedEverywhere(token, notAllowed("plain", "FCALL", reason), "FCALL", "f", 0);
        refusedEverywhere(token, notAllowed("plain", "FCALL_RO", reason), "FCALL_RO", "f", 0);
        refusedEverywhere(token, notAllowed("plain", "FUNCTION", reason), "FUNCTION", "LOAD",
                "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
        refusedEverywhere(token, notAllowed("plain", "SCRIPT", reason), "SCRIPT", "LOAD", "return 1");
        // a name with a space takes the same route
        HttpTestClient.Response spaced = SERVER.http.command(token, "SCRIPT LOAD", "return 1");
        assertThat(spaced.errorCode()).isEqualTo("COMMAND_NOT_ALLOWED");
        assertThat(REDIS.server().call("GET", "secret:victim")).isEqualTo("top-secret");
    }

    @Test
    void readOnlySessionsAndPoliciesNeverRunScripts() {
        register("rodb", new JsonObject().put("database", 1));
        String readOnly = SERVER.ok("POST", "/v1/admin/sessions", new JsonObject().put("userId", "viewer")
                .put("clientId", "rodb").put("readOnly", true)).getString("token");
        refusedEverywhere(readOnly, notAllowed("rodb", "EVAL_RO", SCRIPTS_OFF + "rodb)"), "EVAL_RO",
                "redis.call('SELECT',4) return redis.call('GET','secret:victim')", 0);
        String ns = register("ro-ns", policy("mode", "read-only", "keyPrefixes", new JsonArray().add("app:")));
        refusedEverywhere(ns, notAllowed("ro-ns", "EVAL_RO", SCRIPTS_OFF + "ro-ns)"), "EVAL_RO",
                "return redis.call('GET','zzz:other')", 0);
        refusedEverywhere(ns, notAllowed("ro-ns", "FCALL_RO", SCRIPTS_OFF + "ro-ns)"), "FCALL_RO", "f", 0);
    }

    @Test
    void serverWideScriptStateIsDeniedUnlessAllowedByName() {
        String token = register("wide", new JsonObject());
        Function<String, String> reason = name -> name + " changes what every tenant of the Redis server shares (its"
                + " scripts, functions or running script), so it is denied unless the operator allows "
                + name.replace(' ', '|') + " by name";
        refusedEverywhere(token, notAllowed("wide", "FUNCTION", reason.apply("FUNCTION FLUSH")), "FUNCTION", "FLUSH");
        refusedEverywhere(token, notAllowed("wide", "FUNCTION", reason.apply("FUNCTION DELETE")), "FUNCTION",
                "DELETE", "lib");
        refusedEverywhere(token, notAllowed("wide", "FUNCTION", reason.apply("FUNCTION KILL")), "FUNCTION", "KILL");
        refusedEverywhere(token, notAllowed("wide", "FUNCTION", reason.apply("FUNCTION RESTORE")), "FUNCTION",
                "RESTORE", "payload");
        refusedEverywhere(token, notAllowed("wide", "SCRIPT", reason.apply("SCRIPT FLUSH")), "SCRIPT", "FLUSH");
        refusedEverywhere(token, notAllowed("wide", "SCRIPT", reason.apply("SCRIPT KILL")), "SCRIPT", "KILL");
        // categories do not lift it; the name does
        String category = register("wide-cat", policy("allow", new JsonArray().add("@scripting")));
        assertThat(SERVER.http.command(category, "SCRIPT", "FLUSH").status()).isEqualTo(403);
        String named = register("wide-named", policy("allow", new JsonArray().add("SCRIPT|FLUSH")));
        assertThat(SERVER.http.command(named, "SCRIPT", "FLUSH").body()).isEqualTo("{\"output1\":\"OK\"}");
        assertThat(SERVER.http.command(named, "SCRIPT", "KILL").status()).isEqualTo(403);
    }

    @Test
    void listingsStayInsideTheKeyNamespace() throws Exception {
        String token = register("ns", policy("mode", "read-write", "keyPrefixes", new JsonArray().add("app:"),
                "allow", new JsonArray().add("KEYS").add("DEBUG").add("SORT").add("SORT_RO")));
        for (int i = 0; i < 30; i++) {
            REDIS.server().call("SET", "app:k" + i, "v");
            REDIS.server().call("SET", "outside:k" + i, "v");
        }
        // SCAN without MATCH walks the namespace only, whatever the cursor
        List<String> seen = new ArrayList<>();
        String cursor = "0";
        do {
            JsonArray page = SERVER.http.command(token, "SCAN", cursor, "COUNT", 7).json().getJsonArray("output1");
            cursor = page.getString(0);
            page.getJsonArray(1).forEach(key -> seen.add((String) key));
        } while (!cursor.equals("0"));
        assertThat(seen).hasSizeGreaterThanOrEqualTo(30).allMatch(key -> key.startsWith("app:"));
        String outsideMatch = "the MATCH pattern '*' reaches outside the service's key namespace (app:*); start it with"
                + " the namespace, e.g. app:*";
        refusedEverywhere(token, notAllowed("ns", "SCAN", outsideMatch), "SCAN", 0, "MATCH", "*");
        refusedEverywhere(token, notAllowed("ns", "SCAN", outsideMatch), "SCAN", 0, "MATCH", "app:*", "MATCH", "*");
        refusedEverywhere(token, notAllowed("ns", "SCAN", "the MATCH pattern 'ap[p]:*' reaches outside the service's"
                + " key namespace (app:*); start it with the namespace, e.g. app:*"), "SCAN", 0, "MATCH", "ap[p]:*");
        assertThat(SERVER.http.command(token, "SCAN", 0, "MATCH", "app:k1*", "COUNT", 1000).json()
                .getJsonArray("output1").getJsonArray(1)).isNotEmpty();
        refusedEverywhere(token, notAllowed("ns", "KEYS", "the pattern '*' reaches outside the service's key namespace"
                + " (app:*); start it with the namespace, e.g. app:*"), "KEYS", "*");
        assertThat(SERVER.http.command(token, "KEYS", "app:k2*").json().getJsonArray("output1")).isNotEmpty();
        for (String listing : List.of("RANDOMKEY", "DBSIZE")) {
            refusedEverywhere(token, notAllowed("ns", listing, listing + " lists or counts names outside the service's"
                    + " key namespace (app:*)"), listing);
        }
        refusedEverywhere(token, notAllowed("ns", "PUBSUB", "PUBSUB NUMPAT lists or counts names outside the"
                + " service's key namespace (app:*)"), "PUBSUB", "NUMPAT");
        refusedEverywhere(token, notAllowed("ns", "PUBSUB", "the pattern '*' reaches outside the service's key"
                + " namespace (app:*); start it with the namespace, e.g. app:*"), "PUBSUB", "CHANNELS", "*");
        refusedEverywhere(token, notAllowed("ns", "PUBSUB", "the channel 'news' is outside the service's key"
                + " namespace (app:*)"), "PUBSUB", "NUMSUB", "app:ch", "news");
        refusedEverywhere(token, notAllowed("ns", "DEBUG", "DEBUG names keys the connector cannot find, so it cannot"
                + " be checked against the service's key namespace (app:*)"), "DEBUG", "OBJECT", "zzz:other");
        Process subscriber = new ProcessBuilder("redis-cli", "-p", Integer.toString(REDIS.port()), "SUBSCRIBE",
                "outside:secret-channel", "app:ch").redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 100 && !REDIS.server().call("PUBSUB", "NUMSUB", "app:ch").contains("1"); i++) {
                Thread.sleep(50);
            }
            assertThat(SERVER.http.command(token, "PUBSUB", "CHANNELS").body())
                    .isEqualTo("{\"output1\":[\"app:ch\"]}");
        } finally {
            subscriber.destroyForcibly();
        }
        // reads outside their key positions
        refusedEverywhere(token, notAllowed("ns", "OBJECT", "the key 'zzz:other' is outside the service's key namespace"
                + " (app:*)"), "OBJECT", "ENCODING", "zzz:other");
        refusedEverywhere(token, notAllowed("ns", "MEMORY", "the key 'zzz:other' is outside the service's key"
                + " namespace (app:*)"), "MEMORY", "USAGE", "zzz:other");
        refusedEverywhere(token, notAllowed("ns", "DUMP", "the key 'zzz:other' is outside the service's key namespace"
                + " (app:*)"), "DUMP", "zzz:other");
        refusedEverywhere(token, notAllowed("ns", "RENAME", "the key 'zzz:taken' is outside the service's key"
                + " namespace (app:*)"), "RENAME", "app:k1", "zzz:taken");
        REDIS.server().call("RPUSH", "app:list", "1", "2");
        refusedEverywhere(token, notAllowed("ns", "SORT", "the BY pattern 'zzz:*' is outside the service's key"
                + " namespace (app:*)"), "SORT", "app:list", "BY", "zzz:*");
        refusedEverywhere(token, notAllowed("ns", "SORT_RO", "the GET pattern 'zzz:*' is outside the service's key"
                + " namespace (app:*)"), "SORT_RO", "app:list", "GET", "zzz:*");
        HttpTestClient.Response sorted = SERVER.http.command(token, "SORT", "app:list", "BY", "app:w_*", "GET", "#");
        assertThat(sorted.status()).as(sorted.body()).isEqualTo(200);
        // several namespaces: a listing must say which
        String several = register("ns2", policy("keyPrefixes", new JsonArray().add("a:").add("b:")));
        refusedEverywhere(several, notAllowed("ns2", "SCAN", "the service has several key namespaces (a:*, b:*): name"
                + " one with MATCH, e.g. MATCH a:*"), "SCAN", 0);
    }

    @Test
    void nothingReachesAnotherDatabaseOrAnotherServer() {
        String token = register("db1", new JsonObject().put("database", 1)
                .put("policy", new JsonObject().put("allow", new JsonArray().add("@dangerous").add("@admin"))));
        assertThat(SERVER.http.command(token, "SET", "mine", "v").status()).isEqualTo(200);
        refusedEverywhere(token, notAllowed("db1", "COPY", "COPY ... DB 4 writes into another database, and a service"
                + " only ever reaches its own database (1)"), "COPY", "mine", "planted", "DB", 4);
        refusedEverywhere(token, notAllowed("db1", "MOVE", "it moves a key into another database, and a service only"
                + " ever reaches its own database (1)"), "MOVE", "mine", 4);
        refusedEverywhere(token, notAllowed("db1", "SWAPDB", "it swaps the service's database with another, and a"
                + " service only ever reaches its own database (1)"), "SWAPDB", 1, 4);
        String otherServer = "it makes the Redis server connect to an address the connector's host policy never"
                + " checked, and no policy lifts that";
        refusedEverywhere(token, notAllowed("db1", "MIGRATE", otherServer), "MIGRATE", "169.254.169.254", 6379,
                "mine", 0, 1000);
        refusedEverywhere(token, notAllowed("db1", "REPLICAOF", otherServer), "REPLICAOF", "169.254.169.254", 6379);
        HttpTestClient.Response select = SERVER.http.command(token, "SELECT", 4);
        assertThat(select.status()).isEqualTo(403);
        assertThat(select.errorCode()).isEqualTo("COMMAND_NOT_ALLOWED");
        // COPY inside its own database still works
        assertThat(SERVER.http.command(token, "COPY", "mine", "copied", "DB", 1).body()).isEqualTo("{\"output1\":1}");
        assertThat(cli("-n", "4", "DBSIZE")).isEqualTo("0");
    }
}
