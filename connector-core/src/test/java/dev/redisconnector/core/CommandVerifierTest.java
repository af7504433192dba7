package dev.redisconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redisconnector.core.command.BlockTime;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.CommandVerifier;
import dev.redisconnector.core.command.ConnectionSafety;
import dev.redisconnector.core.command.VerifiedCommand;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandVerifierTest {

    private final CommandVerifier verifier = new CommandVerifier();

    private static List<String> texts(VerifiedCommand command) {
        return command.args().stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void upperCasesTheNameAndConvertsArguments() {
        VerifiedCommand command = verifier.verify(new Inputs("set", Arrays.asList("order:12345", 42, 1.5, true,
                new BigDecimal("1E+3"), 10_000_000_000L, 2.0)), Encoding.UTF8);
        assertThat(command.name()).isEqualTo("SET");
        assertThat(texts(command)).containsExactly("order:12345", "42", "1.5", "true", "1000", "10000000000", "2");
    }

    @Test
    void splitsACommandWithSpacesIntoNameAndLeadingArguments() {
        VerifiedCommand command = verifier.verify(new Inputs("config get", List.of("maxmemory")), Encoding.UTF8);
        assertThat(command.name()).isEqualTo("CONFIG");
        assertThat(texts(command)).containsExactly("get", "maxmemory");
    }

    @Test
    void keepsModuleCommandNames() {
        assertThat(verifier.verify(Inputs.of("json.get", "doc", "$"), Encoding.UTF8).name()).isEqualTo("JSON.GET");
        assertThat(verifier.verify(Inputs.of("FT.SEARCH", "idx", "*"), Encoding.UTF8).name()).isEqualTo("FT.SEARCH");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void blankCommandIsCommandRequired(String command) {
        assertThatThrownBy(() -> verifier.verify(new Inputs(command, null), Encoding.UTF8))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.COMMAND_REQUIRED);
                    assertThat(e.step()).isEqualTo(Step.COMMAND);
                    assertThat(e.getMessage()).isEqualTo(
                            "inputs.command is required: name the Redis command to run, e.g. \"GET\".");
                });
    }

    @Test
    void missingCommandIsCommandRequired() {
        assertThatThrownBy(() -> verifier.verify(new Inputs(null, List.of("a")), Encoding.UTF8))
                .isInstanceOfSatisfying(ConnectorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.COMMAND_REQUIRED));
    }

    @Test
    void objectsAndArraysAsArgumentsAreInvalid() {
        assertThatThrownBy(() -> verifier.verify(new Inputs("SET", List.of("k", Map.of("a", 1))), Encoding.UTF8))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.getMessage()).isEqualTo(
                            "inputs.args[1] is an object; arguments must be strings, numbers or booleans.");
                });
        assertThatThrownBy(() -> verifier.verify(new Inputs("SET", List.of(List.of(1))), Encoding.UTF8))
                .hasMessage("inputs.args[0] is an array; arguments must be strings, numbers or booleans.");
        assertThatThrownBy(() -> verifier.verify(new Inputs("SET", Arrays.asList("k", null)), Encoding.UTF8))
                .hasMessage("inputs.args[1] is null; arguments must be strings, numbers or booleans.");
    }

    @Test
    void badBase64IsInvalidRequest() {
        assertThatThrownBy(() -> verifier.verify(Inputs.of("GET", "not base64!"), Encoding.BASE64))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.getMessage()).isEqualTo(
                            "inputs.args[0] is not valid base64 (options.encoding is \"base64\").");
                });
    }

    @Test
    void base64ArgumentsAreDecodedToBytes() {
        VerifiedCommand command = verifier.verify(Inputs.of("SET", "a2V5", "AP8A"), Encoding.BASE64);
        assertThat(command.args().get(1)).containsExactly(0, 0xFF, 0);
    }

    @Test
    void nameWithControlCharactersIsInvalid() {
        assertThatThrownBy(() -> verifier.verify(Inputs.of("GET\r\nFLUSHALL"), Encoding.UTF8))
                .isInstanceOfSatisfying(ConnectorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    @Test
    void argumentCountLimit() {
        CommandVerifier small = new CommandVerifier(2, 1000);
        assertThatThrownBy(() -> small.verify(Inputs.of("MSET", "a", "1", "b"), Encoding.UTF8))
                .hasMessage("inputs.args has 3 arguments; the limit is 2.");
    }

    @Test
    void argumentSizeLimit() {
        CommandVerifier small = new CommandVerifier(10, 1000, 4);
        assertThat(small.verify(Inputs.of("SET", "k", "1234"), Encoding.UTF8).args()).hasSize(2);
        assertThatThrownBy(() -> small.verify(Inputs.of("SET", "k", "12345"), Encoding.UTF8))
                .hasMessage("inputs.args[1] is 5 bytes; the limit is 4 bytes per argument.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AUTH", "hello", "SELECT", "RESET", "QUIT", "CLIENT", "READONLY", "READWRITE", "MULTI",
            "EXEC", "DISCARD", "WATCH", "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
            "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "SYNC", "PSYNC", "REPLCONF"})
    void connectionSafetyRefusals(String name) {
        assertThatThrownBy(() -> verifier.verify(Inputs.of(name, "x"), Encoding.UTF8))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED);
                    assertThat(e.step()).isEqualTo(Step.POLICY);
                    assertThat(e.getMessage()).startsWith(name.toUpperCase() + " is not allowed: ");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP",
            "WAIT", "WAITAOF"})
    void blockingCommandsAreRoutedNotRefused(String name) {
        VerifiedCommand command = verifier.verify(Inputs.of(name, "x", "1"), Encoding.UTF8);
        assertThat(ConnectionSafety.isBlocking(command, CommandCatalog.EMPTY))
                .isTrue();
    }

    @Test
    void xreadBlocksOnlyWithBlock() {
        var empty = CommandCatalog.EMPTY;
        assertThat(ConnectionSafety.isBlocking(verifier.verify(Inputs.of("XREAD", "COUNT", 1, "STREAMS", "s", "0"),
                Encoding.UTF8), empty)).isFalse();
        assertThat(ConnectionSafety.isBlocking(verifier.verify(Inputs.of("XREAD", "BLOCK", 0, "STREAMS", "s", "$"),
                Encoding.UTF8), empty)).isTrue();
        // a stream literally named "block" is not the BLOCK option
        assertThat(ConnectionSafety.isBlocking(verifier.verify(Inputs.of("XREAD", "STREAMS", "block", "0"),
                Encoding.UTF8), empty)).isFalse();
        assertThat(ConnectionSafety.isBlocking(verifier.verify(Inputs.of("GET", "k"), Encoding.UTF8), empty))
                .isFalse();
    }

    @Test
    void blockTimeIsCappedInTheCommandItself() {
        Duration max = Duration.ofSeconds(2);
        BlockTime forever = BlockTime.cap(verifier.verify(Inputs.of("BLPOP", "a", "b", "0"), Encoding.UTF8), max);
        assertThat(forever.command().argText(2)).isEqualTo("2");
        assertThat(forever.blocksFor()).isEqualTo(max);
        BlockTime shorter = BlockTime.cap(verifier.verify(Inputs.of("BRPOP", "a", "0.5"), Encoding.UTF8), max);
        assertThat(shorter.command().argText(1)).isEqualTo("0.5");
        assertThat(shorter.blocksFor()).isEqualTo(Duration.ofMillis(500));
        BlockTime longer = BlockTime.cap(verifier.verify(Inputs.of("BZMPOP", "60", "1", "z", "MIN"), Encoding.UTF8),
                Duration.ofMillis(1500));
        assertThat(longer.command().argText(0)).isEqualTo("1.5");
        BlockTime xread = BlockTime.cap(verifier.verify(Inputs.of("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s",
                "$"), Encoding.UTF8), max);
        assertThat(xread.command().argText(3)).isEqualTo("2000");
        BlockTime waitMs = BlockTime.cap(verifier.verify(Inputs.of("WAIT", "1", "100"), Encoding.UTF8), max);
        assertThat(waitMs.command().argText(1)).isEqualTo("100");
        assertThat(waitMs.blocksFor()).isEqualTo(Duration.ofMillis(100));
        BlockTime garbage = BlockTime.cap(verifier.verify(Inputs.of("BLPOP", "a", "soon"), Encoding.UTF8), max);
        assertThat(garbage.command().argText(1)).isEqualTo("soon");
        assertThat(garbage.blocksFor()).isEqualTo(max);
    }

    @Test
    void everyRefusedCommandIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "SAFETY.md"));
        assertThat(ConnectionSafety.refusedCommands(true).keySet())
                .allSatisfy(name -> assertThat(doc).contains("`" + name + "`"));
        assertThat(ConnectionSafety.blockingCommands())
                .allSatisfy(name -> assertThat(doc).contains("`" + name + "`"));
    }

    @Test
    void refusedListIsDocumentedWithReasons() {
        assertThat(ConnectionSafety.refusedCommands(true)).containsKeys("CLIENT", "MULTI", "MONITOR")
                .doesNotContainKey("BLPOP")
                .allSatisfy((name, reason) -> assertThat(reason).isNotBlank());
    }
}
