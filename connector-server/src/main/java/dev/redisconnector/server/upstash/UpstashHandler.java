package dev.redisconnector.server.upstash;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.ExecuteOptions;
import dev.redisconnector.core.Inputs;
import dev.redisconnector.core.PipelineResult;
import dev.redisconnector.core.RedisConnector;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.execution.RespProtocol;
import dev.redisconnector.server.http.ApiError;
import dev.redisconnector.server.http.Errors;
import dev.redisconnector.server.http.EventStreams;
import dev.redisconnector.server.http.ExecuteHandler;
import dev.redisconnector.server.http.RequestBody;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Upstash REST protocol under a base path, so Upstash's SDKs ({@code @upstash/redis}, {@code upstash-redis}) work
 * against the connector with a session token in place of an Upstash token. Every command goes through the same
 * pipeline as {@code /v1/redis/execute}: session, verification, safety refusals, policy, rate limit.
 *
 * <ul>
 *   <li>{@code POST <base>} with {@code ["SET", "k", "v"]} → {@code {"result": "OK"}}</li>
 *   <li>{@code GET|POST <base>/set/k/v?EX=60} (a POST body is appended as the last argument)</li>
 *   <li>{@code POST <base>/pipeline} with {@code [["SET","k","v"],["GET","k"]]} →
 *       {@code [{"result":"OK"},{"result":"v"}]}</li>
 *   <li>{@code POST <base>/multi-exec}: the same, as one transaction</li>
 * </ul>
 *
 * <p>Token: {@code Authorization: Bearer <token>} or {@code ?_token=<token>}. Errors are {@code {"error": "..."}}:
 * 400 for command errors (Redis's own text), 401 for a missing or bad token, the connector's status otherwise.
 * Thread-safe.
 */
public final class UpstashHandler {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Every Upstash command runs on a RESP2 connection: Redis itself shapes each reply as RESP2 clients expect. */
    private static final ExecuteOptions RESP2 = ExecuteOptions.DEFAULT.with(RespProtocol.RESP2);
    private static final String SHAPE = " Send a JSON array like [\"SET\", \"key\", \"value\"].";

    private final RedisConnector connector;
    private final String base;
    private final int maxBodyBytes;
    private final EventStreams streams;
    private final AtomicLong syncToken = new AtomicLong(System.currentTimeMillis());

    public UpstashHandler(RedisConnector connector, String base, int maxBodyBytes,
                          EventStreams streams) {
        this.connector = connector;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.maxBodyBytes = maxBodyBytes;
        this.streams = streams;
    }

    /** Whether the request is for this protocol. */
    public boolean matches(HttpServerRequest request) {
        String path = request.path();
        return path.equals(base) || path.startsWith(base) && path.length() > base.length()
                && path.charAt(base.length()) == '/';
    }

    public void handle(HttpServerRequest request) {
        String rest = request.path().substring(base.length());
        if (request.method() != HttpMethod.POST && request.method() != HttpMethod.GET) {
            fail(request.response(), 405, "Only GET and POST are supported.");
            return;
        }
        if (streams != null && (rest.startsWith("/subscribe/") || rest.startsWith("/psubscribe/"))) {
            Context context = Vertx.currentContext();
            // the SDK posts an empty command array; the channel is in the path
            request.handler(ignored -> { });
            String channel = new String(decodeSegment(rest.substring(rest.indexOf('/', 1) + 1)),
                    StandardCharsets.UTF_8);
            connector.authenticate(token(request)).whenComplete((session, failure) -> on(context, () -> {
                if (failure != null) {
                    send(request.response(), failure);
                } else {
                    streams.upstash(request, session, rest.startsWith("/psubscribe/"), channel,
                            error -> send(request.response(), error));
                }
            }));
            return;
        }
        RequestBody.read(request, maxBodyBytes, body -> route(request, rest, body),
                () -> fail(request.response(), RequestBody.TOO_LARGE.status(), RequestBody.TOO_LARGE.message()));
    }

    private void route(HttpServerRequest request, String rest, Buffer body) {
        Context context = Vertx.currentContext();
        HttpServerResponse response = request.response();
        boolean base64 = "base64".equalsIgnoreCase(request.getHeader("upstash-encoding"));
        connector.authenticate(token(request)).whenComplete((session, failure) -> {
            if (failure != null) {
                on(context, () -> send(response, failure));
                return;
            }
            CompletionStage<byte[]> answer;
            try {
                answer = switch (rest) {
                    case "", "/" -> single(session, parseCommand(body), base64);
                    case "/pipeline" -> pipeline(session, parseCommands(body), base64, false);
                    case "/multi-exec" -> pipeline(session, parseCommands(body), base64, true);
                    default -> single(session, pathCommand(request, rest, body), base64);
                };
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((json, error) -> on(context, () -> {
                if (error != null) {
                    send(response, error);
                } else if (!response.ended() && !response.closed()) {
                    response.putHeader("content-type", "application/json")
                            .putHeader("upstash-sync-token", Long.toString(syncToken.incrementAndGet()))
                            .end(Buffer.buffer(json));
                }
            }));
        });
    }

    private CompletionStage<byte[]> single(Session session, Inputs inputs, boolean base64) {
        return connector.executeAsync(session, inputs, RESP2).thenApply(reply -> {
            StringBuilder out = new StringBuilder(64);
            UpstashJson.result(reply, base64, out);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    private CompletionStage<byte[]> pipeline(Session session, List<Inputs> commands, boolean base64,
                                             boolean atomic) {
        CompletionStage<List<PipelineResult>> results = atomic
                ? connector.executeTransactionAsync(session, commands, List.of(), RESP2)
                : connector.executePipelineAsync(session, commands, RESP2);
        return results.thenApply(list -> {
            StringBuilder out = new StringBuilder(32 * list.size() + 2).append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                PipelineResult result = list.get(i);
                if (result.ok()) {
                    UpstashJson.result(result.reply(), base64, out);
                } else {
                    UpstashJson.error(message(result.error()), out);
                }
            }
            return out.append(']').toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    /** {@code /set/key/value?EX=60}: the path's segments, the query's pairs, then the body (when any). */
    private static Inputs pathCommand(HttpServerRequest request, String rest, Buffer body) {
        String[] segments = rest.substring(1).split("/", -1);
        String command = new String(decodeSegment(segments[0]), StandardCharsets.UTF_8);
        List<Object> args = new ArrayList<>();
        for (int i = 1; i < segments.length; i++) {
            args.add(decodeSegment(segments[i]));
        }
        for (Map.Entry<String, String> param : request.params()) {
            if (param.getKey().equals("_token")) {
                continue;
            }
            args.add(param.getKey());
            if (!param.getValue().isEmpty()) {
                args.add(param.getValue());
            }
        }
        if (request.method() == HttpMethod.POST && body.length() > 0) {
            args.add(body.getBytes());
        }
        return new Inputs(command, args);
    }

    /** Percent-decoding to bytes (a value may be any bytes, not only UTF-8). */
    static byte[] decodeSegment(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length() && hex(segment.charAt(i + 1)) >= 0
                    && hex(segment.charAt(i + 2)) >= 0) {
                out.write(hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2)));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toByteArray();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** {@code ["SET", "k", "v", 60, true]}. */
    static Inputs parseCommand(Buffer body) {
        if (body.length() == 0) {
            throw ConnectorException.invalidRequest("The request body is empty." + SHAPE);
        }
        try (JsonParser parser = JSON.createParser(body.getBytes())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw ConnectorException.invalidRequest("The request body must be a JSON array." + SHAPE);
            }
            Inputs inputs = command(parser, "");
            if (parser.nextToken() != null) {
                throw ConnectorException.invalidRequest("The request body is not valid JSON." + SHAPE);
            }
            return inputs;
        } catch (IOException e) {
            throw ConnectorException.invalidRequest("The request body is not valid JSON." + SHAPE);
        }
    }

    /** {@code [["SET", "k", "v"], ["GET", "k"]]}. */
    static List<Inputs> parseCommands(Buffer body) {
        String shape = " Send a JSON array of commands like [[\"SET\", \"k\", \"v\"], [\"GET\", \"k\"]].";
        if (body.length() == 0) {
            throw ConnectorException.invalidRequest("The request body is empty." + shape);
        }
        try (JsonParser parser = JSON.createParser(body.getBytes())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw ConnectorException.invalidRequest("The request body must be a JSON array." + shape);
            }
            List<Inputs> commands = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_ARRAY) {
                    throw ConnectorException.invalidRequest("Command " + commands.size() + " is not an array."
                            + shape);
                }
                if (commands.size() >= RedisConnector.MAX_PIPELINE_COMMANDS) {
                    throw ConnectorException.invalidRequest("More than " + RedisConnector.MAX_PIPELINE_COMMANDS
                            + " commands.");
                }
                commands.add(command(parser, "command " + commands.size() + ": "));
            }
            if (parser.nextToken() != null) {
                throw ConnectorException.invalidRequest("The request body is not valid JSON." + shape);
            }
            return commands;
        } catch (IOException e) {
            throw ConnectorException.invalidRequest("The request body is not valid JSON." + shape);
        }
    }

    /** One command array, the parser on its START_ARRAY: strings, numbers and booleans. */
    private static Inputs command(JsonParser parser, String where) throws IOException {
        String name = null;
        List<Object> args = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            Object value = switch (token) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> throw ConnectorException.invalidRequest(where + "element " + (args.size()
                        + (name == null ? 0 : 1)) + " must be a string, number or boolean.");
            };
            if (name == null) {
                if (!(value instanceof String text)) {
                    throw ConnectorException.invalidRequest(where + "the command name must be a string.");
                }
                name = text;
            } else {
                args.add(value);
            }
        }
        if (name == null) {
            throw new ConnectorException(ErrorCode.COMMAND_REQUIRED, where + "the command array is empty.");
        }
        return new Inputs(name, args);
    }

    private static String token(HttpServerRequest request) {
        String bearer = ExecuteHandler.bearer(request.getHeader("authorization"));
        return bearer != null ? bearer : request.getParam("_token");
    }

    /** The protocol's error text: Redis's own for Redis errors, the connector's code and message otherwise. */
    static String message(ConnectorException e) {
        return e.code() == ErrorCode.REDIS_ERROR ? e.getMessage() : e.code().name() + ": " + e.getMessage();
    }

    /** The protocol's status: 401 for authentication, 400 for what the command did, the connector's otherwise. */
    static int status(ConnectorException e) {
        return switch (e.code()) {
            case NOT_LOGGED_IN -> 401;
            case COMMAND_REQUIRED, INVALID_REQUEST, COMMAND_NOT_ALLOWED, REDIS_ERROR, TRANSACTION_ABORTED -> 400;
            default -> e.code().httpStatus();
        };
    }

    static void send(HttpServerResponse response, Throwable failure) {
        // the one classifier (unknown failures become INTERNAL with a reference), rendered the Upstash way
        ConnectorException e = Errors.classify(failure);
        if (e.retryAfter() != null && !response.headWritten()) {
            response.putHeader("retry-after", Long.toString(e.retryAfter().toSeconds()));
        }
        fail(response, status(e), message(e));
    }

    /** Ends {@code response} with {@code {"error": message}} and {@code status}, unless it was already sent. */
    public static void fail(HttpServerResponse response, int status, String message) {
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        StringBuilder out = new StringBuilder(message.length() + 16);
        UpstashJson.error(message, out);
        response.setStatusCode(status).putHeader("content-type", "application/json").end(out.toString());
    }

    private static void on(Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }
}
