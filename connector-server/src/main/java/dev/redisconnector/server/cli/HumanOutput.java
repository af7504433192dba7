package dev.redisconnector.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
            "entries", List.of("at", "userId", "clientId", "command", "keys", "outcome", "durationMs"),
            "counts", List.of("minute", "userId", "clientId", "command", "outcome", "commands", "durationMs"));

    private HumanOutput() {
    }

    /** The text for {@code json}. */
    static String render(JsonNode json) {
        List<String> tables = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            List<String> columns = COLUMNS.get(field.getKey());
            if (columns == null || !(field.getValue() instanceof ArrayNode rows)) {
                tables = null;
                break;
            }
            String table = rows.isEmpty() ? "(no " + field.getKey() + ")" : table(rows, columns);
            tables.add(json.size() == 1 ? table : field.getKey() + ":\n" + table);
        }
        if (tables != null && !tables.isEmpty()) {
            // an answer of lists only (services; sessions; audit entries and counts): a table each
            return String.join("\n\n", tables);
        }
        Map<String, String> lines = new LinkedHashMap<>();
        flatten("", json, lines);
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        lines.forEach((key, value) -> out.append(key).append(":").append(" ".repeat(width - key.length() + 1))
                .append(value).append('\n'));
        return out.toString().stripTrailing();
    }

    private static void flatten(String prefix, JsonNode json, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            JsonNode value = field.getValue();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (value.isObject()) {
                flatten(key, value, out);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(text(item)));
                out.put(key, items.isEmpty() ? "-" : String.join(", ", items));
            } else {
                out.put(key, text(value));
            }
        }
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? "-" : value.isValueNode() ? value.asText() : value.toString();
    }

    private static String table(ArrayNode rows, List<String> columns) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns);
        for (JsonNode row : rows) {
            Map<String, String> flat = new LinkedHashMap<>();
            if (row.isObject()) {
                flatten("", row, flat);
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
