package dev.redisconnector.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redisconnector.core.ConnectorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration parsing: a bad value names the setting and what it expected; the environment wins over a file. */
class ServerConfigTest {

    @TempDir
    Path dir;

    @Test
    void badValuesNameTheSettingAndWhatItExpected() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_PORT", "70000"), null))
                .hasMessage("RC_PORT must be between 0 and 65535, not '70000'");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_COMMAND_TIMEOUT_MS", "0"), null))
                .hasMessage("RC_COMMAND_TIMEOUT_MS must be a positive number, not '0'");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_METRICS_ENABLED", "maybe"), null))
                .hasMessage("RC_METRICS_ENABLED must be true or false, not 'maybe'");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_SHUTDOWN_GRACE_MS", "soon"), null))
                .hasMessage("RC_SHUTDOWN_GRACE_MS must be a whole number, not 'soon'");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_ADMIN_TOKEN", "short"), null))
                .hasMessageStartingWith("RC_ADMIN_TOKEN must be at least 16 characters");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_DENIED_NETWORKS", "10.0.0.0/99"), null))
                .hasMessageStartingWith("RC_DENIED_NETWORKS must be comma-separated CIDRs");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_CONNECTIONS", "pooled"), null))
                .hasMessage("RC_CONNECTIONS must name a connection provider on the class path (shared), not 'pooled'");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("RC_LOG_FORMAT", "xml"), null))
                .hasMessage("RC_LOG_FORMAT must be text or json, not 'xml'");
    }

    @Test
    void aFileIsReadAndTheEnvironmentWins() throws Exception {
        Path file = dir.resolve("connector.properties");
        Files.writeString(file, "RC_PORT=9001\nRC_COMMAND_TIMEOUT_MS=1234\n");
        ServerConfig config = ServerConfig.load(Map.of("RC_PORT", "9002"), file);
        assertThat(config.port()).isEqualTo(9002);
        assertThat(config.get("RC_COMMAND_TIMEOUT_MS")).isEqualTo("1234");
        Files.writeString(file, "RC_PROT=9001\n");
        assertThatThrownBy(() -> ServerConfig.load(Map.of(), file)).hasMessageStartingWith("unknown setting RC_PROT");
    }

    @Test
    void everySettingHasAParsableDefault() {
        ServerConfig defaults = ServerConfig.load(Map.of(), null);
        assertThat(defaults.port()).isEqualTo(8080);
        assertThat(defaults.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(defaults.connectorOptions().commandTimeout()).isEqualTo(ConnectorOptions.DEFAULT_COMMAND_TIMEOUT);
        assertThat(defaults.connectorOptions().maxArguments()).isEqualTo(ConnectorOptions.DEFAULT_MAX_ARGUMENTS);
        assertThat(defaults.connectorOptions().maxBlockTime()).isEqualTo(ConnectorOptions.DEFAULT_MAX_BLOCK_TIME);
        for (Setting<?> setting : Settings.ALL) {
            assertThat(defaults.get(setting)).as(setting.name()).isEqualTo(setting.parse(setting.defaultValue()));
        }
    }
}
