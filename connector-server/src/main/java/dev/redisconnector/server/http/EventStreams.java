package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.pubsub.MessageListener;
import dev.redisconnector.core.pubsub.Subscription;
import dev.redisconnector.core.reply.ReplyJson;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Server-Sent Events streams of pub/sub messages, one Redis connection per stream, closed as soon as the HTTP client
 * goes away (or stops reading: a stream whose client falls behind is ended rather than buffered without bound).
 * Each client may hold at most {@code maxPerClient} streams at once. Two wire formats:
 *
 * <ul>
 *   <li>native ({@code GET /v1/redis/subscribe?channel=a&pattern=news.*}): {@code event: subscribe|message},
 *       {@code data: {"channel": "a", "message": "hi"}} (with {@code "pattern"} for pattern matches;
 *       {@code &encoding=base64} for binary messages);</li>
 *   <li>Upstash ({@code <base>/subscribe/<channel>}, {@code <base>/psubscribe/<pattern>}): {@code data:
 *       subscribe,<channel>,<count>}, {@code data: message,<channel>,<message>},
 *       {@code data: pmessage,<pattern>,<channel>,<message>}.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class EventStreams {

    /** The native path. */
    public static final String PATH = "/v1/redis/subscribe";

    private static final long HEARTBEAT_MILLIS = 15_000;
    private static final int MAX_QUEUED_BYTES = 4 * 1024 * 1024;

    private final Vertx vertx;
    private final RedisConnector connector;
    private final int maxPerClient;
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Streams open now, so a shutdown can end each with a clean event. */
    private final Set<Stream> live = ConcurrentHashMap.newKeySet();

    public EventStreams(Vertx vertx, RedisConnector connector, int maxPerClient) {
        this.vertx = vertx;
        this.connector = connector;
        this.maxPerClient = maxPerClient;
    }

    /** Streams open right now (for tests and metrics). */
    public int open() {
        return open.get();
    }

    /** {@code GET /v1/redis/subscribe}: authenticates with the bearer token, then streams JSON events. */
    public void nativeStream(HttpServerRequest request) {
        Context context = Vertx.currentContext();
        List<String> channels = request.params().getAll("channel");
        List<String> patterns = request.params().getAll("pattern");
        boolean base64 = "base64".equals(request.getParam("encoding"));
        if (channels.isEmpty() == patterns.isEmpty()) {
            Errors.send(request.response(), ConnectorException.invalidRequest(
                    "Name the channels (?channel=a&channel=b) or the patterns (?pattern=news.*), not both."));
            return;
        }
        boolean pattern = !patterns.isEmpty();
        connector.authenticate(ExecuteHandler.bearer(request.getHeader("authorization"))).whenComplete(
                (session, failure) -> on(context, () -> {
                    if (failure != null) {
                        Errors.send(request.response(), failure);
                    } else {
                        start(request, context, session, pattern ? patterns : channels, pattern,
                                new NativeFormat(base64), failure2 -> Errors.send(request.response(), failure2));
                    }
                }));
    }

    /** The Upstash form, for an already authenticated session; {@code onError} answers a failure to start. */
    public void upstash(HttpServerRequest request, Session session, boolean pattern, String channel,
                        Consumer<Throwable> onError) {
        start(request, Vertx.currentContext(), session, List.of(channel), pattern, new UpstashFormat(), onError);
    }

    private void start(HttpServerRequest request, Context context, Session session, List<String> channels,
                       boolean pattern, Format format, Consumer<Throwable> onError) {
        HttpServerResponse response = request.response();
        String clientId = session.user().clientId();
        AtomicInteger count = perClient.computeIfAbsent(clientId, id -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerClient) {
            count.decrementAndGet();
            onError.accept(ConnectorException.rateLimited("Client '" + clientId + "' already has " + maxPerClient
                    + " open streams, the limit (RC_MAX_STREAMS_PER_CLIENT); close one first.", Duration.ofSeconds(1)));
            return;
        }
        open.incrementAndGet();
        Stream[] self = new Stream[1];
        Stream stream = new Stream(response, context, format, () -> {
            count.decrementAndGet();
            open.decrementAndGet();
            live.remove(self[0]);
        });
        self[0] = stream;
        live.add(stream);
        response.closeHandler(ignored -> stream.end());
        response.exceptionHandler(ignored -> stream.end());
        connector.subscribeAsync(session, channels, pattern, stream).whenComplete((subscription, failure) ->
                on(context, () -> {
                    if (failure != null) {
                        stream.release();
                        onError.accept(failure);
                    } else {
                        stream.started(subscription);
                    }
                }));
    }

    private void on(Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    /** How events are written. */
    /**
     * Ends every open stream with a last event saying why ({@code event: end} with {@code {"reason": "shutdown"}} in the
     * native format, {@code data: end,shutdown} in Upstash's), so clients reconnect (to another instance) at once
     * rather than wait for a timeout.
     */
    public void endAll() {
        for (Stream stream : List.copyOf(live)) {
            on(stream.context, stream::shutdown);
        }
    }

    private interface Format {
        String subscribed(byte[] name, boolean pattern, long count);

        String message(byte[] pattern, byte[] channel, byte[] message);

        /** The last event of a stream the server ends. */
        String ended(String reason);
    }

    private record NativeFormat(boolean base64) implements Format {
        @Override
        public String ended(String reason) {
            return "event: end\ndata: {\"reason\":\"" + reason + "\"}\n\n";
        }

        @Override
        public String subscribed(byte[] name, boolean pattern, long count) {
            StringBuilder out = new StringBuilder("event: subscribe\ndata: {\"").append(pattern ? "pattern" : "channel")
                    .append("\":");
            ReplyJson.writeString(new String(name, StandardCharsets.UTF_8), out);
            return out.append(",\"count\":").append(count).append("}\n\n").toString();
        }

        @Override
        public String message(byte[] pattern, byte[] channel, byte[] message) {
            StringBuilder out = new StringBuilder("event: message\ndata: {");
            if (pattern != null) {
                out.append("\"pattern\":");
                ReplyJson.writeString(new String(pattern, StandardCharsets.UTF_8), out);
                out.append(',');
            }
            out.append("\"channel\":");
            ReplyJson.writeString(new String(channel, StandardCharsets.UTF_8), out);
            out.append(",\"message\":");
            if (base64) {
                out.append('"').append(Base64.getEncoder().encodeToString(message)).append('"');
            } else {
                ReplyJson.writeString(new String(message, StandardCharsets.UTF_8), out);
            }
            return out.append("}\n\n").toString();
        }
    }

    private record UpstashFormat() implements Format {
        @Override
        public String ended(String reason) {
            return "data: end," + reason + "\n\n";
        }

        @Override
        public String subscribed(byte[] name, boolean pattern, long count) {
            return "data: " + (pattern ? "psubscribe," : "subscribe,") + line(name) + "," + count + "\n\n";
        }

        @Override
        public String message(byte[] pattern, byte[] channel, byte[] message) {
            String text = new String(message, StandardCharsets.UTF_8);
            String payload = text;
            if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                // one SSE line per event: a multi-line message travels as a JSON string (the SDK parses it back)
                StringBuilder json = new StringBuilder(text.length() + 8);
                ReplyJson.writeString(text, json);
                payload = json.toString();
            }
            return "data: " + (pattern != null ? "pmessage," + line(pattern) + "," : "message,") + line(channel) + ","
                    + payload + "\n\n";
        }

        private static String line(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8).replace('\n', ' ').replace('\r', ' ');
        }
    }

    /** One open stream: writes on its request's context, ends once. */
    private final class Stream implements MessageListener {
        private final HttpServerResponse response;
        private final Context context;
        private final Format format;
        private final Runnable onRelease;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile Subscription subscription;
        private volatile boolean ended;
        private long heartbeat = -1;

        Stream(HttpServerResponse response, Context context, Format format, Runnable onRelease) {
            this.response = response;
            this.context = context;
            this.format = format;
            this.onRelease = onRelease;
        }

        /** Called on the context once Redis confirmed the subscription. */
        void started(Subscription opened) {
            this.subscription = opened;
            if (ended || response.closed()) {
                end();
                return;
            }
            response.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
            if (!response.headWritten()) {
                response.setChunked(true).putHeader("content-type", "text/event-stream")
                        .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
                response.write(": connected\n\n");
            }
            heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> on(context, () -> write(": ping\n\n")));
        }

        @Override
        public void subscribed(byte[] name, boolean pattern, long count) {
            String event = format.subscribed(name, pattern, count);
            on(context, () -> write(event));
        }

        @Override
        public void message(byte[] pattern, byte[] channel, byte[] message) {
            String event = format.message(pattern, channel, message);
            on(context, () -> write(event));
        }

        private void write(String event) {
            if (ended || response.closed() || response.ended()) {
                return;
            }
            if (!response.headWritten()) {
                response.setChunked(true).putHeader("content-type", "text/event-stream")
                        .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
            }
            if (response.writeQueueFull()) {
                // the client stopped reading: end the stream instead of holding messages without bound
                response.write(": closed, the client fell behind\n\n");
                response.end();
                end();
                return;
            }
            response.write(event);
        }

        /** Ends the stream for a server shutdown: a last event, then the end of the response. */
        void shutdown() {
            if (!ended && !response.closed() && !response.ended()) {
                write(format.ended("shutdown"));
                response.end();
            }
            end();
        }

        /** Ends the stream: unsubscribes and closes its connection. Idempotent. */
        void end() {
            ended = true;
            if (heartbeat >= 0) {
                vertx.cancelTimer(heartbeat);
                heartbeat = -1;
            }
            Subscription current = subscription;
            if (current != null) {
                current.close();
                release();
            }
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                onRelease.run();
            }
        }
    }
}
