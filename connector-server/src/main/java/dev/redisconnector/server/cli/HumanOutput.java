package dev.redisconnector.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CLI prints for a person at a terminal: lists as aligned tables, objects as {@code key: value} lines
 * (nested fields dotted). Scripts get JSON instead ({@code --json}, or whenever the output is not a terminal).
 * Stateless.
 */
final class HumanOutput {

    /** The columns of the lists the CLI prints, by the field that holds the list. */
    private static final Map<String, List<String>> COLUMNS = Map.of(
            "services", List.of("clientId", "mode", "host", "port", "database", "policy.mode", "credentials.kind"),
            "sessions", List.of("sessionId", "userId", "clientId", "readOnly", "expiresAt"),
            "entries", List.of("at", "userId", "clientId", "command", "keys", "outcome", "durationMs"));

    private HumanOutput() {
    }

    /** The text for {@code json}. */
    static String render(JsonObject json) {
        for (Map.Entry<String, List<String>> list : COLUMNS.entrySet()) {
            if (json.getValue(list.getKey()) instanceof JsonArray rows && json.size() == 1) {
                return rows.isEmpty() ? "(no " + list.getKey() + ")" : table(rows, list.getValue());
            }
        }
        Map<String, String> lines = new LinkedHashMap<>();
        flatten("", json, lines);
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        lines.forEach((key, value) -> out.append(key).append(":").append(" ".repeat(width - key.length() + 1))
                .append(value).append('\n'));
        return out.toString().stripTrailing();
    }

    private static void flatten(String prefix, JsonObject json, Map<String, String> out) {
        for (String field : json.fieldNames()) {
            Object value = json.getValue(field);
            String key = prefix.isEmpty() ? field : prefix + "." + field;
            if (value instanceof JsonObject nested) {
                flatten(key, nested, out);
            } else if (value instanceof JsonArray array) {
                out.put(key, array.isEmpty() ? "-" : String.join(", ", array.stream().map(String::valueOf).toList()));
            } else {
                out.put(key, value == null ? "-" : String.valueOf(value));
            }
        }
    }

    private static String table(JsonArray rows, List<String> columns) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns);
        for (Object row : rows) {
            Map<String, String> flat = new LinkedHashMap<>();
            if (row instanceof JsonObject object) {
                flatten("", object, flat);
            }
            cells.add(columns.stream().map(column -> flat.getOrDefault(column, "-")).toList());
        }
        int[] widths = new int[columns.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                out.append(line.get(i)).append(i + 1 < line.size() ? " ".repeat(widths[i] - line.get(i).length() + 2)
                        : "");
            }
            out.append('\n');
        }
        return out.toString().stripTrailing();
    }
}
