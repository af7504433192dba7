package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.Encoding;
import dev.redisconnector.core.ExecuteOptions;
import dev.redisconnector.core.Inputs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses the body of {@code POST /v1/redis/execute}: {@code {"inputs": {"command", "args"}, "options": {"encoding",
 * "timeoutMs"}}}. Every malformation is an {@code INVALID_REQUEST} (or {@code COMMAND_REQUIRED}) naming the field.
 * Stateless.
 *
 * @param inputs  command and arguments
 * @param options encoding and timeout
 */
public record ExecuteBody(Inputs inputs, ExecuteOptions options) {

    private static final String SHAPE = " Send {\"inputs\": {\"command\": \"SET\", \"args\": [\"key\", \"value\"]}}.";

    /** Parses a request body. */
    public static ExecuteBody parse(Buffer body) {
        JsonObject json = object(body);
        Object inputsValue = json.getValue("inputs");
        if (inputsValue == null) {
            return new ExecuteBody(new Inputs(null, List.of()), ExecuteOptions.DEFAULT);
        }
        if (!(inputsValue instanceof JsonObject inputs)) {
            throw ConnectorException.invalidRequest("inputs must be an object." + SHAPE);
        }
        Object command = inputs.getValue("command");
        if (command != null && !(command instanceof String)) {
            throw ConnectorException.invalidRequest("inputs.command must be a string, e.g. \"GET\".");
        }
        return new ExecuteBody(new Inputs((String) command, args(inputs.getValue("args"))),
                options(json.getValue("options")));
    }

    /** The body as a JSON object, or {@code INVALID_REQUEST}. */
    static JsonObject object(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ConnectorException.invalidRequest("The request body is empty." + SHAPE);
        }
        Object parsed;
        try {
            parsed = io.vertx.core.json.Json.decodeValue(body);
        } catch (RuntimeException e) {
            throw ConnectorException.invalidRequest("The request body is not valid JSON (UTF-8)." + SHAPE);
        }
        if (!(parsed instanceof JsonObject json)) {
            throw ConnectorException.invalidRequest("The request body must be a JSON object." + SHAPE);
        }
        return json;
    }

    private static List<Object> args(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw ConnectorException.invalidRequest("inputs.args must be an array of strings, numbers or booleans.");
        }
        List<Object> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            Object element = array.getValue(i);
            if (element instanceof JsonObject || element instanceof Map<?, ?>) {
                throw ConnectorException.invalidRequest("inputs.args[" + i
                        + "] is an object; arguments must be strings, numbers or booleans.");
            }
            if (element instanceof JsonArray || element instanceof List<?>) {
                throw ConnectorException.invalidRequest("inputs.args[" + i
                        + "] is an array; arguments must be strings, numbers or booleans.");
            }
            out.add(element);
        }
        return out;
    }

    private static ExecuteOptions options(Object value) {
        if (value == null) {
            return ExecuteOptions.DEFAULT;
        }
        if (!(value instanceof JsonObject options)) {
            throw ConnectorException.invalidRequest("options must be an object.");
        }
        Encoding encoding = Encoding.UTF8;
        Object encodingValue = options.getValue("encoding");
        if (encodingValue != null) {
            if ("base64".equals(encodingValue)) {
                encoding = Encoding.BASE64;
            } else if (!"utf8".equals(encodingValue) && !"utf-8".equals(encodingValue)) {
                throw ConnectorException.invalidRequest("options.encoding must be \"utf8\" or \"base64\".");
            }
        }
        Duration timeout = null;
        Object timeoutValue = options.getValue("timeoutMs");
        if (timeoutValue != null) {
            if (!(timeoutValue instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                    || number.doubleValue() < 1 || number.doubleValue() > 3_600_000) {
                throw ConnectorException.invalidRequest(
                        "options.timeoutMs must be a whole number of milliseconds between 1 and 3600000.");
            }
            timeout = Duration.ofMillis(number.longValue());
        }
        for (String name : options.fieldNames()) {
            if (!name.equals("encoding") && !name.equals("timeoutMs")) {
                throw ConnectorException.invalidRequest("options." + name
                        + " is not a known option (known: encoding, timeoutMs).");
            }
        }
        return new ExecuteOptions(encoding, timeout);
    }
}
