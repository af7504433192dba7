package dev.redisconnector.bench;

import dev.redisconnector.core.Encoding;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.reply.ReplyJson;
import dev.redisconnector.core.reply.ReplyJsonBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The reply mapper on typical replies: a 64-byte GET, an HGETALL of 20 fields, a 100-element LRANGE. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplyMapperBenchmark {

    private static final byte[] PREFIX = "{\"output1\":".getBytes();
    private static final byte[] SUFFIX = {'}'};

    private Reply get;
    private Reply hash;
    private Reply list;

    @Setup
    public void build() {
        get = Reply.StringReply.of("v".repeat(64));
        List<Reply.MapReply.Entry> fields = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fields.add(new Reply.MapReply.Entry(Reply.StringReply.of("field:" + i), Reply.StringReply.of("value " + i)));
        }
        hash = new Reply.MapReply(fields);
        List<Reply> elements = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            elements.add(Reply.StringReply.of("element-" + i));
        }
        list = new Reply.ArrayReply(elements);
    }

    @Benchmark
    public byte[] getAsBytes() {
        return ReplyJsonBytes.encode(get, Encoding.UTF8, PREFIX, SUFFIX);
    }

    @Benchmark
    public String getAsText() {
        return ReplyJson.toJson(get, Encoding.UTF8);
    }

    @Benchmark
    public byte[] hgetallAsBytes() {
        return ReplyJsonBytes.encode(hash, Encoding.UTF8, PREFIX, SUFFIX);
    }

    @Benchmark
    public byte[] lrangeAsBytes() {
        return ReplyJsonBytes.encode(list, Encoding.UTF8, PREFIX, SUFFIX);
    }

    @Benchmark
    public String lrangeAsText() {
        return ReplyJson.toJson(list, Encoding.UTF8);
    }
}
