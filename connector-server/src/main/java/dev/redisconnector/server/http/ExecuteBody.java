package dev.redisconnector.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.Encoding;
import dev.redisconnector.core.ExecuteOptions;
import dev.redisconnector.core.Inputs;
import dev.redisconnector.core.Printable;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the body of {@code POST /v1/redis/execute}: {@code {"inputs": {"command", "args"}, "options": {"encoding",
 * "timeoutMs"}}}. A streaming parse straight into {@link Inputs} (no intermediate JSON tree: this runs on every
 * request). Every malformation is an {@code INVALID_REQUEST} (or {@code COMMAND_REQUIRED}) naming the field; unknown
 * fields outside {@code options} are ignored. Stateless.
 *
 * @param inputs  command and arguments
 * @param options encoding and timeout
 */
public record ExecuteBody(Inputs inputs, ExecuteOptions options) {

    private static final String SHAPE = " Send {\"inputs\": {\"command\": \"SET\", \"args\": [\"key\", \"value\"]}}.";
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Parses a request body. */
    public static ExecuteBody parse(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ConnectorException.invalidRequest("The request body is empty." + SHAPE);
        }
        try (JsonParser parser = parser(body)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                if (first != null && !first.isStructStart() && !first.isScalarValue()) {
                    throw notJson();
                }
                parser.skipChildren();
                drain(parser);
                throw ConnectorException.invalidRequest("The request body must be a JSON object." + SHAPE);
            }
            Inputs inputs = new Inputs(null, List.of());
            ExecuteOptions options = ExecuteOptions.DEFAULT;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "inputs" -> inputs = inputs(parser, value);
                    case "options" -> options = options(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw notJson();
            }
            return new ExecuteBody(inputs, options);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConnectorException connectorException) {
                throw connectorException;
            }
            throw notJson();
        }
    }

    /**
     * Parses a pipeline body: {@code {"inputs": {"commands": [{"command", "args"}, ...]}, "options": {...}}}.
     *
     * @param commands the commands, in order
     * @param watch    keys to watch before a transaction ({@code inputs.watch}; empty for pipelines)
     * @param options  encoding and timeout, for every command
     */
    public record Pipeline(List<Inputs> commands, List<Object> watch, ExecuteOptions options) {
    }

    private static final String PIPELINE_SHAPE = " Send {\"inputs\": {\"commands\": [{\"command\": \"SET\","
            + " \"args\": [\"k\", \"v\"]}, {\"command\": \"GET\", \"args\": [\"k\"]}]}}.";

    /** Parses the body of {@code POST /v1/redis/pipeline}. */
    public static Pipeline parsePipeline(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ConnectorException.invalidRequest("The request body is empty." + PIPELINE_SHAPE);
        }
        try (JsonParser parser = parser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ConnectorException.invalidRequest("The request body must be a JSON object." + PIPELINE_SHAPE);
            }
            Pipeline inputs = null;
            ExecuteOptions options = ExecuteOptions.DEFAULT;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "inputs" -> inputs = pipelineInputs(parser, value);
                    case "options" -> options = options(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw notJson();
            }
            if (inputs == null || inputs.commands() == null) {
                throw ConnectorException.invalidRequest("inputs.commands is required." + PIPELINE_SHAPE);
            }
            return new Pipeline(inputs.commands(), inputs.watch(), options);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConnectorException connectorException) {
                throw connectorException;
            }
            throw notJson();
        }
    }

    private static Pipeline pipelineInputs(JsonParser parser, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            throw ConnectorException.invalidRequest("inputs must be an object." + PIPELINE_SHAPE);
        }
        List<Inputs> commands = null;
        List<Object> watch = List.of();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("watch")) {
                try {
                    watch = args(parser, value);
                } catch (ConnectorException e) {
                    throw ConnectorException.invalidRequest("inputs.watch must be an array of key names.");
                }
                continue;
            }
            if (!field.equals("commands")) {
                parser.skipChildren();
                continue;
            }
            if (value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                throw ConnectorException.invalidRequest("inputs.commands must be an array of {\"command\","
                        + " \"args\"} objects.");
            }
            commands = new ArrayList<>();
            JsonToken element;
            while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (element != JsonToken.START_OBJECT) {
                    throw ConnectorException.invalidRequest("inputs.commands[" + commands.size()
                            + "] must be an object like {\"command\": \"GET\", \"args\": [\"k\"]}.");
                }
                if (commands.size() >= 100_000) {
                    throw ConnectorException.invalidRequest("inputs.commands has too many commands.");
                }
                commands.add(inputs(parser, element));
            }
        }
        return new Pipeline(commands, watch, null);
    }

    /** The body as a JSON object (for the admin API), or {@code INVALID_REQUEST}. */
    static JsonObject object(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ConnectorException.invalidRequest("The request body is empty; send a JSON object.");
        }
        Object parsed;
        try {
            parsed = Json.decodeValue(body);
        } catch (RuntimeException e) {
            throw ConnectorException.invalidRequest("The request body is not valid JSON (UTF-8).");
        }
        if (!(parsed instanceof JsonObject json)) {
            throw ConnectorException.invalidRequest("The request body must be a JSON object.");
        }
        return json;
    }

    private static ConnectorException notJson() {
        return ConnectorException.invalidRequest("The request body is not valid JSON (UTF-8)." + SHAPE);
    }

    /** A parser over the body's own bytes when they are on the heap (no copy), else over a copy. */
    private static JsonParser parser(Buffer body) throws IOException {
        ByteBuf bytes = ((BufferInternal) body).getByteBuf();
        if (bytes.hasArray()) {
            return JSON.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
        return JSON.createParser(body.getBytes());
    }

    private static void drain(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw notJson();
        }
    }

    private static Inputs inputs(JsonParser parser, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return new Inputs(null, List.of());
        }
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            throw ConnectorException.invalidRequest("inputs must be an object." + SHAPE);
        }
        String command = null;
        List<Object> args = List.of();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "command" -> {
                    if (value == JsonToken.VALUE_STRING) {
                        command = parser.getText();
                    } else if (value != JsonToken.VALUE_NULL) {
                        throw ConnectorException.invalidRequest("inputs.command must be a string, e.g. \"GET\".");
                    }
                }
                case "args" -> args = args(parser, value);
                default -> parser.skipChildren();
            }
        }
        return new Inputs(command, args);
    }

    private static List<Object> args(JsonParser parser, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (start != JsonToken.START_ARRAY) {
            throw ConnectorException.invalidRequest("inputs.args must be an array of strings, numbers or booleans.");
        }
        List<Object> out = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            int index = out.size();
            switch (token) {
                case VALUE_STRING -> out.add(parser.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.add(parser.getNumberValue());
                case VALUE_TRUE -> out.add(Boolean.TRUE);
                case VALUE_FALSE -> out.add(Boolean.FALSE);
                case VALUE_NULL -> throw ConnectorException.invalidRequest("inputs.args[" + index
                        + "] is null; arguments must be strings, numbers or booleans.");
                case START_OBJECT -> throw ConnectorException.invalidRequest("inputs.args[" + index
                        + "] is an object; arguments must be strings, numbers or booleans.");
                case START_ARRAY -> throw ConnectorException.invalidRequest("inputs.args[" + index
                        + "] is an array; arguments must be strings, numbers or booleans.");
                default -> throw notJson();
            }
        }
        return out;
    }

    private static ExecuteOptions options(JsonParser parser, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return ExecuteOptions.DEFAULT;
        }
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            throw ConnectorException.invalidRequest("options must be an object.");
        }
        Encoding encoding = Encoding.UTF8;
        Duration timeout = null;
        boolean split = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "encoding" -> {
                    String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    if ("base64".equals(text)) {
                        encoding = Encoding.BASE64;
                    } else if (!"utf8".equals(text) && !"utf-8".equals(text)) {
                        throw ConnectorException.invalidRequest("options.encoding must be \"utf8\" or \"base64\".");
                    }
                }
                case "timeoutMs" -> {
                    double number = value.isNumeric() ? parser.getDoubleValue() : -1;
                    if (number != Math.rint(number) || number < 1 || number > 3_600_000) {
                        throw ConnectorException.invalidRequest(
                                "options.timeoutMs must be a whole number of milliseconds between 1 and 3600000.");
                    }
                    timeout = Duration.ofMillis((long) number);
                }
                case "splitAcrossSlots" -> {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                        throw ConnectorException.invalidRequest("options.splitAcrossSlots must be true or false.");
                    }
                    split = value == JsonToken.VALUE_TRUE;
                }
                default -> throw ConnectorException.invalidRequest("options." + safe(field)
                        + " is not a known option (known: encoding, timeoutMs, splitAcrossSlots).");
            }
        }
        return new ExecuteOptions(encoding, timeout, split);
    }

    private static String safe(String text) {
        return Printable.quote(text);
    }
}
