package dev.redisconnector.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table and the settings the server reads list the same names with the same defaults. */
class ConfigurationTableTest {

    /** Read by the logging setup, not by {@link ServerConfig}. */
    private static final Set<String> OUTSIDE_SERVER_CONFIG = Set.of("RC_LOG_LEVEL");

    /** Defaults the README describes in words because they depend on the machine or on other settings. */
    private static final Set<String> DESCRIBED_DEFAULTS = Set.of("RC_EVENT_LOOPS", "RC_REGISTRY_URL",
            "RC_MASTER_KEY_ID", "RC_RATE_LIMIT_BURST", "RC_ADMIN_TOKEN", "RC_RATE_LIMIT_PER_CLIENT",
            "RC_JWT_ISSUER", "RC_JWT_AUDIENCE");

    static Map<String, String> readmeTable() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## CLI"));
        Map<String, String> rows = new TreeMap<>();
        Matcher row = Pattern.compile("^\\| ((?:`RC_\\w+`(?: / )?)+) \\| ([^|]*) \\|", Pattern.MULTILINE)
                .matcher(section);
        while (row.find()) {
            Matcher name = Pattern.compile("`(RC_\\w+)`").matcher(row.group(1));
            String cell = row.group(2).strip();
            Matcher literal = Pattern.compile("^`([^`]*)`").matcher(cell);
            String value = literal.find() ? literal.group(1) : cell.equals("empty") ? "" : "(described)";
            while (name.find()) {
                rows.put(name.group(1), value);
            }
        }
        return rows;
    }

    @Test
    void theReadmeListsEverySettingWithItsDefault() throws IOException {
        Map<String, String> readme = readmeTable();
        Set<String> documented = new TreeSet<>(readme.keySet());
        documented.removeAll(OUTSIDE_SERVER_CONFIG);
        assertThat(documented).as("settings in the README's table")
                .containsExactlyInAnyOrderElementsOf(ServerConfig.DEFAULTS.keySet());
        for (Map.Entry<String, String> entry : readme.entrySet()) {
            String name = entry.getKey();
            if (OUTSIDE_SERVER_CONFIG.contains(name) || DESCRIBED_DEFAULTS.contains(name)
                    || entry.getValue().equals("(described)")) {
                continue;
            }
            assertThat(entry.getValue()).as("README default of " + name).isEqualTo(ServerConfig.DEFAULTS.get(name));
        }
    }
}
