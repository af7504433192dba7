package dev.redisconnector.bench;

import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.ExecuteRequest;
import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.testing.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ByteArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code RedisConnector.execute} (session check, verification, lookups answered from memory, execution, reply
 * mapping to the {@code Reply} tree) against a raw Lettuce {@code dispatch} of the same GET, each on one
 * connection to the same real {@code redis-server}. Two shapes: one request at a time (latency), and batches of 64 in
 * flight (throughput, where per-request CPU shows). The ratio of the two is the library path's overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LibraryPathBenchmark {

    private static final int BATCH = 64;

    private RedisServerProcess redis;
    private RedisConnector connector;
    private RedisClient rawClient;
    private StatefulRedisConnection<byte[], byte[]> raw;
    private ExecuteRequest request;
    private byte[] key;

    @Setup(Level.Trial)
    public void start() throws Exception {
        redis = RedisServerProcess.start(List.of(), Files.createTempDirectory("jmh-redis"));
        redis.call("SET", "bench:key", "v".repeat(64));
        RedisService service = new RedisService("bench", "bench-service", 1, "127.0.0.1", redis.port(), 0,
                RedisService.TlsSettings.DISABLED, null, null);
        Session session = new Session(new Session.User("u", "bench"), Instant.now().plusSeconds(3600), false);
        CompletableFuture<Optional<Session>> sessionFound = CompletableFuture.completedFuture(Optional.of(session));
        CompletableFuture<Optional<RedisService>> serviceFound = CompletableFuture.completedFuture(Optional.of(service));
        CompletableFuture<Optional<RedisCredentials>> credentials =
                CompletableFuture.completedFuture(Optional.of(RedisCredentials.none(1)));
        connector = RedisConnector.builder()
                .sessionValidator(token -> sessionFound)
                .serviceRegistry(clientId -> serviceFound)
                .credentialStore(s -> credentials)
                .options(ConnectorOptions.builder()
                        .hostPolicy(dev.redisconnector.core.execution.HostPolicy.ALLOW_LOOPBACK).build())
                .build();
        request = ExecuteRequest.of("token", "GET", "bench:key");
        connector.execute(request);
        rawClient = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
        raw = rawClient.connect(ByteArrayCodec.INSTANCE);
        key = "bench:key".getBytes(StandardCharsets.US_ASCII);
    }

    @TearDown(Level.Trial)
    public void stop() {
        connector.close();
        raw.close();
        rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.stop();
    }

    private CompletableFuture<byte[]> rawGet() {
        return raw.async().dispatch(CommandType.GET, new ByteArrayOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key)).toCompletableFuture();
    }

    @Benchmark
    public Reply connectorExecute() {
        return connector.execute(request);
    }

    @Benchmark
    public byte[] rawLettuceDispatch() {
        return rawGet().join();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object connectorExecuteBatch64() {
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
            inFlight[i] = connector.executeAsync(request).toCompletableFuture();
        }
        return CompletableFuture.allOf(inFlight).join();
    }

    @Benchmark
    public Object rawLettuceDispatchBatch64() {
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
            inFlight[i] = rawGet();
        }
        return CompletableFuture.allOf(inFlight).join();
    }
}
