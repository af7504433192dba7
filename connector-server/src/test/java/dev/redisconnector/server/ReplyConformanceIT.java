package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redisconnector.core.command.ConnectionSafety;
import dev.redisconnector.testing.RedisServerExtension;
import dev.redisconnector.testing.RespConnection;
import dev.redisconnector.testing.RespConnection.Big;
import dev.redisconnector.testing.RespConnection.Dbl;
import dev.redisconnector.testing.RespConnection.Err;
import dev.redisconnector.testing.RespConnection.RespMap;
import dev.redisconnector.testing.RespConnection.RespSet;
import dev.redisconnector.testing.RespConnection.Simple;
import dev.redisconnector.testing.RespConnection.Verbatim;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Differential conformance, with Redis itself as the oracle: every command of the corpus runs on a raw RESP2
 * connection ({@code HELLO 2}) and through {@code /upstash} (plain and {@code Upstash-Encoding: base64}), and on a raw
 * RESP3 connection ({@code HELLO 3}) and through {@code /v1/redis/execute}; the JSON must be identical after the
 * documented encoding rules (the Upstash rules, and the reply mapping of the native API). The database is reset to the
 * same fixture before every run, so each command meets the same data on every path.
 *
 * <p>The corpus is the hand-written list below plus one generated entry for every command of the server's own
 * {@code COMMAND DOCS} whose only required argument is a key (run against a key of its group's type), and a coverage
 * check fails when the server has a command that is neither in the corpus nor excluded with a reason: a new Redis
 * version's commands cannot slip through.
 */
class ReplyConformanceIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static String token;
    /** A session of a client with scripting on, confined by its own Redis user (scripts need that). */
    static String scriptToken;

    /** How a reply is compared: value for value, or (where Redis's own answer changes from run to run) by shape. */
    enum Mode { EXACT, SHAPE }

    record Case(List<String> command, Mode mode, List<List<String>> setup) {
        String text() {
            return String.join(" ", command);
        }
    }

    /** The data every command meets. */
    static final List<List<String>> FIXTURE = List.of(
            words("SET s:str hello"), words("SET s:num 10"), words("SET s:float 3.5"), words("SET s:other help"),
            words("SET bits:1 foobar"),
            words("HSET h:1 f1 v1 f2 v2 n 5"), words("HSET h:2 a 1"),
            words("RPUSH l:1 a b c a"), words("RPUSH l:2 x"),
            words("SADD set:1 a b c"), words("SADD set:2 b c d"),
            words("ZADD z:1 1 a 2.5 b 1.1 c -3 d"), words("ZADD z:2 2 a 3 x"),
            words("XADD x:1 1-1 f v"), words("XADD x:1 2-1 g w"), words("XADD x:1 3-1 h 1.5"),
            words("XGROUP CREATE x:1 grp 0"), words("XADD x:2 1-1 a b"),
            words("GEOADD geo:1 13.361389 38.115556 Palermo 15.087269 37.502669 Catania"),
            words("PFADD hll:1 a b c"), words("PFADD hll:2 c d"));

    /** Keys of each command group's type, for the generated entries. */
    static final Map<String, String> KEY_OF_GROUP = Map.of("string", "s:str", "hash", "h:1", "list", "l:1",
            "set", "set:1", "sorted-set", "z:1", "stream", "x:1", "geo", "geo:1", "hyperloglog", "hll:1",
            "bitmap", "bits:1", "generic", "s:str");

    static final String LIB = "#!lua name=lib\n"
            + "redis.register_function('f', function(keys, args) return {1, 'x', redis.call('GET', keys[1])} end)\n"
            + "redis.register_function{function_name='ro', callback=function(keys, args) return 7 end,"
            + " flags={'no-writes'}}";

    static final List<Case> CORPUS = List.of(
            // strings
            exact("GET s:str"), exact("GET nothing"), exact("SET s:new v"), exact("SET s:str v GET"),
            exact("SET s:str v NX"), exact("GETEX s:str"), exact("GETDEL s:str"), exact("GETRANGE s:str 0 2"),
            exact("SETRANGE s:str 1 a"), exact("APPEND s:str !"), exact("STRLEN s:str"), exact("INCR s:num"),
            exact("INCRBY s:num 5"), exact("DECR s:num"), exact("DECRBY s:num 3"), exact("INCRBYFLOAT s:float 0.1"),
            exact("INCRBYFLOAT s:float 1e3"), exact("MGET s:str nothing s:num"), exact("MSET a 1 b 2"),
            exact("MSETNX s:str 1 c 2"), exact("SETNX s:c 1"), exact("SETEX s:e 100 v"), exact("PSETEX s:p 100000 v"),
            exact("GETSET s:str w"), exact("LCS s:str s:other"), exact("LCS s:str s:other LEN"),
            exact("LCS s:str s:other IDX MINMATCHLEN 1 WITHMATCHLEN"), exact("SUBSTR s:str 1 3"),
            // keys
            exact("DEL s:str s:num nothing"), exact("UNLINK s:str"), exact("EXISTS s:str nothing s:num"),
            exact("TYPE h:1"), exact("TYPE x:1"), exact("TTL s:str"), exact("PTTL nothing"),
            exact("EXPIRE s:str 100"), exact("PEXPIRE s:str 100000"), exact("EXPIREAT s:str 4102444800"),
            exact("PEXPIREAT s:str 4102444800000"), exact("EXPIRETIME s:str"), exact("PEXPIRETIME s:str"),
            exact("PERSIST s:str"), exact("RENAME s:str s:renamed"), exact("RENAMENX s:str s:num"),
            exact("COPY s:str s:copy"), exact("DUMP s:str"), exact("OBJECT ENCODING h:1"),
            exact("OBJECT REFCOUNT s:str"), shape("OBJECT IDLETIME s:str"), exact("OBJECT FREQ s:str"),
            exact("OBJECT HELP"), exact("TOUCH s:str h:1"), shape("RANDOMKEY"), shape("SCAN 0 COUNT 100"),
            shape("KEYS *"), exact("SORT l:1 ALPHA"), exact("SORT l:1 ALPHA LIMIT 0 2 DESC"),
            exact("SORT_RO set:1 ALPHA"), exact("DBSIZE"), exact("WAIT 0 0"),
            // hashes
            exact("HGET h:1 f1"), exact("HMGET h:1 f1 nothing"), exact("HGETALL h:1"), exact("HGETALL nothing"),
            exact("HKEYS h:1"), exact("HVALS h:1"), exact("HLEN h:1"), exact("HEXISTS h:1 f1"),
            exact("HSET h:1 f3 v3"), exact("HSETNX h:1 f1 x"), exact("HDEL h:1 f1 nothing"),
            exact("HINCRBY h:1 n 2"), exact("HINCRBYFLOAT h:1 n 1.5"), exact("HSTRLEN h:1 f1"),
            shape("HRANDFIELD h:1"), shape("HRANDFIELD h:1 2 WITHVALUES"), exact("HRANDFIELD h:2 1 WITHVALUES"),
            exact("HSCAN h:1 0"), exact("HMSET h:1 a 1"),
            // lists
            exact("LPUSH l:1 z"), exact("RPUSH l:1 z"), exact("LPOP l:1"), exact("RPOP l:1"), exact("LPOP l:1 2"),
            exact("LPOP nothing 2"), exact("LRANGE l:1 0 -1"), exact("LRANGE nothing 0 -1"), exact("LINDEX l:1 1"),
            exact("LLEN l:1"), exact("LSET l:1 0 q"), exact("LINSERT l:1 BEFORE b y"), exact("LREM l:1 0 a"),
            exact("LTRIM l:1 0 1"), exact("LPOS l:1 a RANK 1 COUNT 0"), exact("LPOS l:1 a"),
            exact("LMOVE l:1 l:2 LEFT RIGHT"), exact("RPOPLPUSH l:1 l:2"), exact("LMPOP 1 l:1 LEFT COUNT 2"),
            exact("LMPOP 1 nothing LEFT"), exact("BLPOP l:1 1"), exact("BRPOP l:1 1"),
            exact("BLMOVE l:1 l:2 LEFT LEFT 1"), exact("BRPOPLPUSH l:1 l:2 1"), exact("BLMPOP 1 1 l:1 RIGHT COUNT 3"),
            exact("LPUSHX l:1 w"), exact("RPUSHX nothing w"),
            // sets
            exact("SADD set:1 d a"), exact("SREM set:1 a nothing"), exact("SMEMBERS set:1"),
            exact("SMEMBERS nothing"), exact("SISMEMBER set:1 a"), exact("SMISMEMBER set:1 a z"),
            exact("SCARD set:1"), exact("SINTER set:1 set:2"), exact("SUNION set:1 set:2"),
            exact("SDIFF set:1 set:2"), exact("SINTERCARD 2 set:1 set:2"), exact("SINTERSTORE set:3 set:1 set:2"),
            exact("SUNIONSTORE set:3 set:1 set:2"), exact("SDIFFSTORE set:3 set:1 set:2"), shape("SPOP set:1"),
            shape("SPOP set:1 2"), shape("SRANDMEMBER set:1"), shape("SRANDMEMBER set:1 2"),
            exact("SMOVE set:1 set:2 a"), exact("SSCAN set:1 0"),
            // sorted sets: every WITHSCORES form
            exact("ZADD z:1 4 e"), exact("ZADD z:1 INCR 0.25 a"), exact("ZSCORE z:1 c"), exact("ZSCORE z:1 nothing"),
            exact("ZMSCORE z:1 a c nothing"), exact("ZINCRBY z:1 0.1 a"), exact("ZCARD z:1"),
            exact("ZCOUNT z:1 -inf +inf"), exact("ZLEXCOUNT z:2 - +"), exact("ZRANK z:1 b"), exact("ZREVRANK z:1 b"),
            exact("ZRANGE z:1 0 -1"), exact("ZRANGE z:1 0 -1 WITHSCORES"),
            exact("ZRANGE z:1 -inf +inf BYSCORE WITHSCORES"), exact("ZRANGE z:1 0 -1 REV WITHSCORES"),
            exact("ZRANGEBYSCORE z:1 -inf +inf WITHSCORES"), exact("ZREVRANGE z:1 0 1 WITHSCORES"),
            exact("ZREVRANGEBYSCORE z:1 +inf -inf WITHSCORES LIMIT 0 2"), exact("ZRANGEBYLEX z:2 - +"),
            exact("ZREVRANGEBYLEX z:2 + -"), exact("ZPOPMIN z:1"), exact("ZPOPMIN z:1 2"), exact("ZPOPMAX z:1"),
            exact("ZPOPMAX z:1 3"), exact("ZPOPMIN nothing"), exact("BZPOPMIN z:1 1"), exact("BZPOPMAX z:1 1"),
            exact("ZMPOP 1 z:1 MIN COUNT 2"), exact("BZMPOP 1 1 z:1 MAX"), shape("ZRANDMEMBER z:1"),
            shape("ZRANDMEMBER z:1 2 WITHSCORES"), exact("ZUNION 2 z:1 z:2 WITHSCORES"),
            exact("ZINTER 2 z:1 z:2 WITHSCORES"), exact("ZDIFF 2 z:1 z:2 WITHSCORES"), exact("ZDIFF 2 z:1 z:2"),
            exact("ZUNIONSTORE z:3 2 z:1 z:2 WEIGHTS 1 0.5"), exact("ZINTERSTORE z:3 2 z:1 z:2"),
            exact("ZDIFFSTORE z:3 2 z:1 z:2"), exact("ZINTERCARD 2 z:1 z:2"), exact("ZRANGESTORE z:3 z:1 0 1"),
            exact("ZREM z:1 a nothing"), exact("ZREMRANGEBYRANK z:1 0 0"), exact("ZREMRANGEBYSCORE z:1 -inf 1"),
            exact("ZREMRANGEBYLEX z:2 - +"), exact("ZSCAN z:1 0"),
            // streams
            exact("XADD x:1 4-1 a b"), exact("XLEN x:1"), exact("XRANGE x:1 - +"), exact("XRANGE x:1 - + COUNT 1"),
            exact("XREVRANGE x:1 + -"), exact("XREAD COUNT 2 STREAMS x:1 x:2 0 0"), exact("XREAD STREAMS x:1 9-9"),
            exact("XREADGROUP GROUP grp c1 COUNT 2 STREAMS x:1 >"),
            withSetup(exact("XACK x:1 grp 1-1 2-1"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            withSetup(exact("XPENDING x:1 grp"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            withSetup(shape("XPENDING x:1 grp - + 10"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            withSetup(exact("XCLAIM x:1 grp c2 0 1-1 2-1"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            withSetup(exact("XCLAIM x:1 grp c2 0 1-1 JUSTID"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            withSetup(exact("XAUTOCLAIM x:1 grp c2 0 0-0"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            withSetup(exact("XAUTOCLAIM x:1 grp c2 0 0-0 COUNT 1 JUSTID"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            exact("XINFO STREAM x:1"), shape("XINFO STREAM x:1 FULL"), exact("XINFO GROUPS x:1"),
            withSetup(shape("XINFO CONSUMERS x:1 grp"), "XREADGROUP GROUP grp c1 STREAMS x:1 >"),
            exact("XINFO HELP"), exact("XDEL x:1 1-1 9-9"), exact("XTRIM x:1 MAXLEN 1"),
            exact("XGROUP CREATE x:2 g2 $"), exact("XGROUP CREATECONSUMER x:1 grp c9"),
            exact("XGROUP DELCONSUMER x:1 grp c9"), exact("XGROUP DESTROY x:1 grp"), exact("XGROUP SETID x:1 grp 1-1"),
            exact("XSETID x:1 9-9"),
            // geo
            exact("GEOADD geo:1 2.35 48.85 Paris"), exact("GEOPOS geo:1 Palermo Catania nothing"),
            exact("GEODIST geo:1 Palermo Catania km"), exact("GEODIST geo:1 Palermo nothing"),
            exact("GEOHASH geo:1 Palermo Catania"),
            exact("GEOSEARCH geo:1 FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST WITHHASH"),
            exact("GEOSEARCH geo:1 FROMMEMBER Palermo BYBOX 400 400 km ASC"),
            exact("GEORADIUS geo:1 15 37 200 km WITHDIST ASC"),
            exact("GEORADIUSBYMEMBER geo:1 Palermo 200 km WITHCOORD ASC"),
            exact("GEORADIUS_RO geo:1 15 37 200 km ASC"), exact("GEORADIUSBYMEMBER_RO geo:1 Palermo 200 km ASC"),
            exact("GEOSEARCHSTORE geo:2 geo:1 FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST"),
            // bitmaps and HyperLogLog
            exact("SETBIT bits:1 7 1"), exact("GETBIT bits:1 1"), exact("BITCOUNT bits:1"),
            exact("BITCOUNT bits:1 1 1 BYTE"), exact("BITPOS bits:1 0"), exact("BITOP AND bits:2 bits:1 s:str"),
            exact("BITFIELD bits:1 GET u8 0 INCRBY u8 0 1 SET i4 8 -1"), exact("BITFIELD_RO bits:1 GET u4 0"),
            exact("PFADD hll:1 d"), exact("PFCOUNT hll:1 hll:2"), exact("PFMERGE hll:3 hll:1 hll:2"),
            exact("PFDEBUG ENCODING hll:1"), exact("PFSELFTEST"),
            // pub/sub commands that answer (subscribing has its own endpoint)
            exact("PUBLISH ch hi"), exact("SPUBLISH ch hi"), exact("PUBSUB CHANNELS"), exact("PUBSUB NUMSUB ch"),
            exact("PUBSUB NUMPAT"), exact("PUBSUB SHARDCHANNELS"),
            // scripting and functions (errors inside arrays, nested arrays, status replies, RESP3 inside a script)
            exact("EVAL", "return {1, 'a', {2, 'b', {}}, redis.call('GET', KEYS[1]), false}", "1", "s:str"),
            exact("EVAL", "return 3.99", "0"), exact("EVAL", "return redis.status_reply('FINE')", "0"),
            exact("EVAL", "return {1, redis.error_reply('MYERR inside')}", "0"),
            exact("EVAL", "return redis.error_reply('MYERR top level')", "0"),
            exact("EVAL", "return nil", "0"), exact("EVAL", "return true", "0"),
            exact("EVAL", "redis.setresp(3); return redis.call('HGETALL', KEYS[1])", "1", "h:1"),
            exact("EVAL", "redis.setresp(3); return redis.call('ZSCORE', KEYS[1], 'c')", "1", "z:1"),
            exact("EVAL_RO", "return redis.call('LRANGE', KEYS[1], 0, -1)", "1", "l:1"),
            withSetup(exact("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"), "SCRIPT", "LOAD", "return 1"),
            withSetup(exact("EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"), "SCRIPT", "LOAD",
                    "return 1"),
            exact("SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db ffffffffffffffffffffffffffffffffffffffff"),
            exact("SCRIPT", "LOAD", "return 1"), exact("SCRIPT FLUSH"),
            exact("FUNCTION", "LOAD", LIB), withSetup(exact("FCALL f 1 s:str"), "FUNCTION", "LOAD", LIB),
            withSetup(exact("FCALL_RO ro 0"), "FUNCTION", "LOAD", LIB),
            withSetup(exact("FUNCTION LIST"), "FUNCTION", "LOAD", LIB),
            withSetup(exact("FUNCTION LIST WITHCODE LIBRARYNAME lib"), "FUNCTION", "LOAD", LIB),
            withSetup(shape("FUNCTION STATS"), "FUNCTION", "LOAD", LIB),
            withSetup(exact("FUNCTION DUMP"), "FUNCTION", "LOAD", LIB),
            withSetup(exact("FUNCTION DELETE lib"), "FUNCTION", "LOAD", LIB), exact("FUNCTION FLUSH"),
            // server introspection
            exact("COMMAND COUNT"), exact("COMMAND INFO GET ZADD XREAD"), exact("COMMAND DOCS GET ZRANGE"),
            exact("COMMAND GETKEYS SET a b"), exact("COMMAND GETKEYSANDFLAGS LMOVE a b LEFT LEFT"),
            exact("COMMAND LIST FILTERBY ACLCAT hyperloglog"), exact("CONFIG GET maxmemory*"),
            exact("CONFIG GET nothing-at-all"), shape("INFO server"), shape("INFO keyspace"),
            exact("MEMORY USAGE s:str"), shape("MEMORY STATS"), shape("MEMORY DOCTOR"), exact("LATENCY LATEST"),
            shape("LATENCY DOCTOR"), exact("LATENCY HISTORY command"), shape("SLOWLOG LEN"), exact("SLOWLOG GET 0"),
            shape("TIME"), shape("LASTSAVE"), exact("ECHO hi"), exact("PING"), exact("PING hi"), shape("LOLWUT"),
            exact("ACL WHOAMI"), exact("ACL CAT"), exact("ACL CAT geo"), exact("ACL LIST"),
            exact("ACL GETUSER default"), exact("ACL DRYRUN default GET k"), exact("ACL USERS"), shape("ROLE"),
            exact("FLUSHDB"), exact("FLUSHALL"),
            // errors from Redis itself
            exact("GET h:1"), exact("INCR s:str"), exact("HINCRBYFLOAT h:1 f1 1"), exact("XADD x:1 1-1 a b"),
            exact("ZADD z:1 nan a"), exact("OBJECT NOSUCH"));

    /** Commands of the server's table the corpus leaves out, and why (listed in docs/ECOSYSTEM.md). */
    static final Map<String, String> NOT_IN_CORPUS = notInCorpus();

    static Map<String, String> notInCorpus() {
        Map<String, String> out = new TreeMap<>();
        ConnectionSafety.refusedCommands(true).forEach((name, reason) -> out.put(name,
                "refused on every path (" + reason + ")"));
        out.put("CLUSTER", "Cluster protocol: the connector routes Cluster services itself");
        out.put("ASKING", "Cluster protocol: the connector routes Cluster services itself");
        out.put("RESTORE-ASKING", "Cluster protocol: the connector routes Cluster services itself");
        for (String name : List.of("REPLICAOF", "SLAVEOF", "FAILOVER")) {
            out.put(name, "changes the server's replication role: not run against the shared test server");
        }
        for (String name : List.of("SHUTDOWN", "DEBUG", "MODULE")) {
            out.put(name, "stops or alters the server process: not run against the shared test server");
        }
        for (String name : List.of("SAVE", "BGSAVE", "BGREWRITEAOF")) {
            out.put(name, "writes the dataset to disk: not run against the shared test server");
        }
        out.put("MIGRATE", "refused for every service: it makes Redis connect to an address the host policy never"
                + " checked");
        out.put("MOVE", "refused for every service: a service only reaches its own database");
        out.put("SWAPDB", "refused for every service: a service only reaches its own database");
        out.put("RESTORE", "takes a DUMP payload (DUMP is in the corpus); the reply is a status like SET's");
        return out;
    }

    @BeforeAll
    static void register() {
        JsonObject service = new JsonObject().put("host", "127.0.0.1").put("port", REDIS.port())
                .put("policy", new JsonObject().put("allow", new JsonArray().add("@admin").add("@dangerous")));
        token = SERVER.register("conf", service, new JsonObject().put("kind", "none"));
        service.getJsonObject("policy").put("scripting", true).getJsonArray("allow").add("SCRIPT|FLUSH")
                .add("FUNCTION|DELETE").add("FUNCTION|FLUSH");
        scriptToken = SERVER.register("conf-scripts", service, new JsonObject().put("kind", "none"));
        String line = SERVER.ok("GET", "/v1/admin/clients/conf-scripts/acl", null).getString("aclSetUser")
                .replace(">PASSWORD", ">pw-conformance");
        assertThat(REDIS.server().call(line.split(" "))).isEqualTo("+OK");
        SERVER.ok("PUT", "/v1/admin/clients/conf-scripts/credentials", new JsonObject().put("kind", "password")
                .put("username", "conf-scripts").put("password", "pw-conformance"));
    }

    /** Scripts and functions run through the confined client; everything else through the other. */
    static String tokenFor(Case c) {
        String name = c.command().getFirst().toUpperCase(Locale.ROOT);
        return name.startsWith("EVAL") || name.startsWith("FCALL") || name.equals("FUNCTION") || name.equals("SCRIPT")
                ? scriptToken : token;
    }

    @Test
    void upstashRepliesAreWhatRedisSendsARESP2Client() throws Exception {
        List<String> failures = new ArrayList<>();
        System.out.println("reply conformance corpus: " + corpus().size() + " commands (" + CORPUS.size()
                + " written, the rest generated from COMMAND DOCS)");
        for (Case c : corpus()) {
            Object oracle = runRaw(c, 2);
            for (boolean base64 : new boolean[] {false, true}) {
                JsonNode expected = JSON.valueToTree(upstashExpected(oracle, base64));
                reset(c);
                String body = upstash(c, base64);
                JsonNode actual = JSON.readTree(body);
                JsonNode value = actual.has("result") ? actual.get("result") : actual;
                if (!matches(c.mode(), expected, value)) {
                    failures.add(c.text() + (base64 ? " (base64)" : "") + "\n    redis:     " + expected
                            + "\n    connector: " + body);
                }
            }
        }
        assertThat(failures.size()).as(String.join("\n", failures)).isZero();
    }

    @Test
    void nativeRepliesFollowTheDocumentedMappingOfWhatRedisSendsARESP3Client() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Case c : corpus()) {
            Object oracle = runRaw(c, 3);
            reset(c);
            HttpTestClient.Response response = SERVER.http.command(tokenFor(c), c.command().getFirst(),
                    c.command().subList(1, c.command().size()).toArray());
            String problem;
            if (oracle instanceof Err err) {
                problem = response.status() >= 400 && "REDIS_ERROR".equals(response.errorCode())
                        && response.errorMessage().contains(err.message()) ? null : "expected REDIS_ERROR " + err;
            } else {
                JsonNode expected = JSON.valueToTree(nativeExpected(oracle));
                JsonNode actual = response.status() == 200 ? JSON.readTree(response.body()).get("output1") : null;
                problem = actual != null && matches(c.mode(), expected, actual) ? null : "redis: " + expected;
            }
            if (problem != null) {
                failures.add(c.text() + "\n    " + problem + "\n    connector: " + response.status() + " "
                        + response.body());
            }
        }
        assertThat(failures.size()).as(String.join("\n", failures)).isZero();
    }

    @Test
    void everyCommandOfTheServerIsInTheCorpusOrExcludedWithAReason() {
        Set<String> covered = new TreeSet<>();
        for (Case c : corpus()) {
            covered.add(c.command().getFirst().toUpperCase(Locale.ROOT));
        }
        Set<String> missing = new TreeSet<>();
        for (String name : serverCommands().keySet()) {
            if (!covered.contains(name) && !NOT_IN_CORPUS.containsKey(name)) {
                missing.add(name);
            }
        }
        assertThat(missing).as("commands of this Redis neither in the corpus nor excluded with a reason").isEmpty();
    }

    // --- the oracles ------------------------------------------------------------------------------------------------

    /** The Upstash encoding of a RESP2 reply: strings (base64 on request, but a top-level OK), integers, nil. */
    static Object upstashExpected(Object reply, boolean base64) {
        if (reply instanceof Err err) {
            return Map.of("error", err.message());
        }
        if (base64 && (reply instanceof Simple s && s.text().equals("OK")
                || reply instanceof byte[] b && new String(b, StandardCharsets.UTF_8).equals("OK"))) {
            return "OK";
        }
        return upstashValue(reply, base64);
    }

    static Object upstashValue(Object reply, boolean base64) {
        return switch (reply) {
            case null -> null;
            case byte[] bytes -> base64 ? Base64.getEncoder().encodeToString(bytes) : text(bytes);
            case Simple s -> string(s.text(), base64);
            case Err err -> string(err.message(), base64);
            case Long number -> number;
            case List<?> list -> {
                List<Object> out = new ArrayList<>();
                for (Object element : list) {
                    out.add(upstashValue(element, base64));
                }
                yield out;
            }
            default -> throw new IllegalStateException("not a RESP2 reply: " + reply);
        };
    }

    static String string(String text, boolean base64) {
        return base64 ? Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) : text;
    }

    /** The native API's documented mapping of a RESP3 reply (DESIGN: reply mapping). */
    static Object nativeExpected(Object reply) {
        return switch (reply) {
            case null -> null;
            case byte[] bytes -> text(bytes);
            case Simple s -> s.text();
            case Verbatim v -> text(v.bytes());
            case Long number -> number;
            case Boolean bool -> bool;
            case Big big -> big.text();
            case Dbl dbl -> switch (dbl.text()) {
                case "inf" -> "inf";
                case "-inf" -> "-inf";
                case "nan" -> "nan";
                default -> new BigDecimal(Double.toString(Double.parseDouble(dbl.text())));
            };
            case Err err -> Map.of("error", err.message());
            case RespSet set -> nativeExpected(set.elements());
            case RespMap map -> {
                // an object when every key is a string and no two decode to the same text, else pairs
                boolean stringKeys = true;
                Set<String> seen = new TreeSet<>();
                for (int i = 0; i < map.keysAndValues().size(); i += 2) {
                    Object key = map.keysAndValues().get(i);
                    stringKeys &= (key instanceof byte[] || key instanceof Simple || key instanceof Verbatim)
                            && seen.add(asText(key));
                }
                if (stringKeys) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (int i = 0; i < map.keysAndValues().size(); i += 2) {
                        out.put((String) nativeExpected(map.keysAndValues().get(i)),
                                nativeExpected(map.keysAndValues().get(i + 1)));
                    }
                    yield out;
                }
                List<Object> pairs = new ArrayList<>();
                for (int i = 0; i < map.keysAndValues().size(); i += 2) {
                    pairs.add(java.util.Arrays.asList(nativeExpected(map.keysAndValues().get(i)),
                            nativeExpected(map.keysAndValues().get(i + 1))));
                }
                yield pairs;
            }
            case List<?> list -> {
                List<Object> out = new ArrayList<>();
                for (Object element : list) {
                    out.add(nativeExpected(element));
                }
                yield out;
            }
            default -> throw new IllegalStateException("unknown reply " + reply);
        };
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Equal JSON, numbers compared by value; or (SHAPE) the same structure with leaves of the same kind. */
    static boolean matches(Mode mode, JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return mode == Mode.SHAPE || expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.getNodeType() != actual.getNodeType()) {
            return false;
        }
        if (expected.isArray()) {
            if (mode == Mode.SHAPE) {
                return true;
            }
            if (expected.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!matches(mode, expected.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isObject()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode other = actual.get(field.getKey());
                if (other == null || !matches(mode, field.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return mode == Mode.SHAPE || expected.equals(actual);
    }

    // --- running ----------------------------------------------------------------------------------------------------

    /** The fixture, the case's own setup, then the command on a raw connection of the given protocol. */
    static Object runRaw(Case c, int protocol) {
        reset(c);
        try (RespConnection raw = new RespConnection(REDIS.port(), protocol)) {
            return raw.call(c.command().toArray(String[]::new));
        }
    }

    static void reset(Case c) {
        try (RespConnection raw = new RespConnection(REDIS.port(), 2)) {
            raw.call("FLUSHALL");
            raw.call("SCRIPT", "FLUSH");
            raw.call("FUNCTION", "FLUSH");
            for (List<String> command : FIXTURE) {
                requireOk(raw.call(command.toArray(String[]::new)), command);
            }
            for (List<String> command : c.setup()) {
                requireOk(raw.call(command.toArray(String[]::new)), command);
            }
        }
    }

    static void requireOk(Object reply, List<String> command) {
        if (reply instanceof Err err) {
            throw new IllegalStateException("fixture command " + command + " failed: " + err.message());
        }
    }

    static String upstash(Case c, boolean base64) throws Exception {
        JsonArray body = new JsonArray();
        c.command().forEach(body::add);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SERVER.server.port()
                        + "/upstash")).POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .header("Authorization", "Bearer " + tokenFor(c));
        if (base64) {
            request.header("Upstash-Encoding", "base64");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    // --- the corpus -------------------------------------------------------------------------------------------------

    /** The hand-written corpus plus a generated entry per key-only command of the server's own table. */
    static List<Case> corpus() {
        List<Case> all = new ArrayList<>(CORPUS);
        Set<String> written = new TreeSet<>();
        for (Case c : CORPUS) {
            written.add(String.join(" ", c.command()).toUpperCase(Locale.ROOT));
        }
        serverCommands().forEach((name, doc) -> {
            if (NOT_IN_CORPUS.containsKey(name)) {
                return;
            }
            String key = KEY_OF_GROUP.get(doc.group());
            if (key != null && doc.keyOnly() && !written.contains(name + " " + key.toUpperCase(Locale.ROOT))) {
                all.add(new Case(List.of(name, key), doc.nondeterministic() ? Mode.SHAPE : Mode.EXACT, List.of()));
            }
        });
        return all;
    }

    record Doc(String group, boolean keyOnly, boolean nondeterministic) {
    }

    /** Every top-level command of the server, from COMMAND DOCS and COMMAND INFO (RESP3, so maps are maps). */
    static Map<String, Doc> serverCommands() {
        Map<String, Doc> out = new TreeMap<>();
        try (RespConnection raw = new RespConnection(REDIS.port(), 3)) {
            RespMap docs = (RespMap) raw.call("COMMAND", "DOCS");
            Map<String, Boolean> random = new TreeMap<>();
            for (Object info : (List<?>) raw.call("COMMAND", "INFO")) {
                if (info instanceof List<?> entry && entry.size() > 7) {
                    boolean nondeterministic = false;
                    if (entry.get(7) instanceof List<?> tips) {
                        for (Object tip : tips) {
                            nondeterministic |= asText(tip).startsWith("nondeterministic_output");
                        }
                    }
                    random.put(asText(entry.get(0)).toUpperCase(Locale.ROOT), nondeterministic);
                }
            }
            for (int i = 0; i < docs.keysAndValues().size(); i += 2) {
                String name = asText(docs.keysAndValues().get(i)).toUpperCase(Locale.ROOT);
                Map<String, Object> doc = map(docs.keysAndValues().get(i + 1));
                String group = doc.get("group") == null ? "" : asText(doc.get("group"));
                boolean keyOnly = false;
                if (doc.get("arguments") instanceof List<?> args) {
                    List<Map<String, Object>> required = new ArrayList<>();
                    for (Object arg : args) {
                        Map<String, Object> spec = map(arg);
                        boolean optional = spec.get("flags") instanceof RespSet flags
                                && flags.elements().stream().map(ReplyConformanceIT::asText)
                                .anyMatch(flag -> flag.equals("optional") || flag.equals("multiple"));
                        if (!optional) {
                            required.add(spec);
                        }
                    }
                    keyOnly = required.size() == 1 && "key".equals(asText(required.getFirst().get("type")));
                }
                out.put(name, new Doc(group, keyOnly, random.getOrDefault(name, false)));
            }
        }
        return out;
    }

    static Map<String, Object> map(Object reply) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (reply instanceof RespMap map) {
            for (int i = 0; i < map.keysAndValues().size(); i += 2) {
                out.put(asText(map.keysAndValues().get(i)), map.keysAndValues().get(i + 1));
            }
        }
        return out;
    }

    static String asText(Object value) {
        return switch (value) {
            case byte[] bytes -> text(bytes);
            case Simple s -> s.text();
            case Verbatim v -> text(v.bytes());
            default -> String.valueOf(value);
        };
    }

    static List<String> words(String command) {
        return List.of(command.split(" "));
    }

    static Case exact(String command) {
        return new Case(words(command), Mode.EXACT, List.of());
    }

    static Case exact(String... command) {
        return new Case(List.of(command), Mode.EXACT, List.of());
    }

    static Case shape(String command) {
        return new Case(words(command), Mode.SHAPE, List.of());
    }

    static Case withSetup(Case c, String... setup) {
        List<String> command = setup.length == 1 ? words(setup[0]) : List.of(setup);
        return new Case(c.command(), c.mode(), List.of(command));
    }
}
