package dev.redisconnector.core.command;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.Encoding;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Inputs;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Step 2: checks {@code inputs.command} and {@code inputs.args} and builds a {@link VerifiedCommand}, then applies
 * the {@link ConnectionSafety} refusals. Thread-safe and immutable.
 */
public final class CommandVerifier {

    private static final int MAX_NAME_LENGTH = 128;

    private final int maxArguments;
    private final long maxCommandBytes;
    private final long maxArgumentBytes;

    /** A verifier with the default limits. */
    public CommandVerifier() {
        this(ConnectorOptions.DEFAULT_MAX_ARGUMENTS, ConnectorOptions.DEFAULT_MAX_COMMAND_BYTES);
    }

    public CommandVerifier(int maxArguments, long maxCommandBytes) {
        this(maxArguments, maxCommandBytes, maxCommandBytes);
    }

    /** A verifier with every limit: arguments per command, bytes per command, bytes per argument. */
    public CommandVerifier(int maxArguments, long maxCommandBytes, long maxArgumentBytes) {
        if (maxArguments < 1 || maxCommandBytes < 1 || maxArgumentBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxArguments = maxArguments;
        this.maxCommandBytes = maxCommandBytes;
        this.maxArgumentBytes = maxArgumentBytes;
    }

    /**
     * Verifies inputs.
     *
     * @throws ConnectorException {@code COMMAND_REQUIRED}, {@code INVALID_REQUEST} or {@code COMMAND_NOT_ALLOWED}
     */
    public VerifiedCommand verify(Inputs inputs, Encoding encoding) {
        String command = inputs.command();
        if (command == null || command.isBlank()) {
            throw new ConnectorException(ErrorCode.COMMAND_REQUIRED,
                    "inputs.command is required: name the Redis command to run, e.g. \"GET\".");
        }
        String[] words = words(command.strip());
        String name = words[0].toUpperCase(Locale.ROOT);
        checkName(name);
        List<?> rawArgs = inputs.args() == null ? List.of() : inputs.args();
        int total = words.length - 1 + rawArgs.size();
        if (total > maxArguments) {
            throw ConnectorException.invalidRequest("inputs.args has " + total + " arguments; the limit is "
                    + maxArguments + ".");
        }
        List<byte[]> args = new ArrayList<>(total);
        long size = name.length();
        for (int i = 1; i < words.length; i++) {
            byte[] word = words[i].getBytes(StandardCharsets.UTF_8);
            size += word.length;
            args.add(word);
        }
        for (int i = 0; i < rawArgs.size(); i++) {
            byte[] arg = toBytes(rawArgs.get(i), i, encoding);
            if (arg.length > maxArgumentBytes) {
                throw ConnectorException.invalidRequest("inputs.args[" + i + "] is " + arg.length + " bytes; the"
                        + " limit is " + maxArgumentBytes + " bytes per argument.");
            }
            size += arg.length;
            if (size > maxCommandBytes) {
                throw ConnectorException.invalidRequest("The command is larger than the limit of " + maxCommandBytes
                        + " bytes.");
            }
            args.add(arg);
        }
        VerifiedCommand verified = new VerifiedCommand(name, args);
        ConnectionSafety.check(verified);
        return verified;
    }

    /** Splits on runs of spaces without a regex (this runs on every request). */
    private static String[] words(String command) {
        if (command.indexOf(' ') < 0) {
            return new String[] {command};
        }
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= command.length(); i++) {
            if (i == command.length() || command.charAt(i) == ' ') {
                if (i > start) {
                    words.add(command.substring(start, i));
                }
                start = i + 1;
            }
        }
        return words.toArray(String[]::new);
    }

    private static void checkName(String name) {
        if (name.length() > MAX_NAME_LENGTH) {
            throw ConnectorException.invalidRequest("inputs.command is not a Redis command name (too long).");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
                    || c == '|' || c == ':';
            if (!ok) {
                throw ConnectorException.invalidRequest("inputs.command is not a Redis command name: only letters,"
                        + " digits and . _ - | : are allowed.");
            }
        }
    }

    private static byte[] toBytes(Object arg, int index, Encoding encoding) {
        return switch (arg) {
            case String s -> encoding == Encoding.BASE64 ? decodeBase64(s, index) : s.getBytes(StandardCharsets.UTF_8);
            case byte[] bytes -> bytes.clone();
            case Boolean b -> (b ? "true" : "false").getBytes(StandardCharsets.US_ASCII);
            case Integer n -> Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
            case Long n -> Long.toString(n).getBytes(StandardCharsets.US_ASCII);
            case Short n -> Short.toString(n).getBytes(StandardCharsets.US_ASCII);
            case Byte n -> Byte.toString(n).getBytes(StandardCharsets.US_ASCII);
            case BigInteger n -> n.toString().getBytes(StandardCharsets.US_ASCII);
            case BigDecimal n -> plain(n).getBytes(StandardCharsets.US_ASCII);
            case Double d -> decimal(d, index).getBytes(StandardCharsets.US_ASCII);
            case Float f -> decimal(f.doubleValue(), index).getBytes(StandardCharsets.US_ASCII);
            case null -> throw ConnectorException.invalidRequest("inputs.args[" + index
                    + "] is null; arguments must be strings, numbers or booleans.");
            default -> throw ConnectorException.invalidRequest("inputs.args[" + index + "] is " + describe(arg)
                    + "; arguments must be strings, numbers or booleans.");
        };
    }

    private static String decimal(double value, int index) {
        if (!Double.isFinite(value)) {
            throw ConnectorException.invalidRequest("inputs.args[" + index + "] is not a finite number.");
        }
        return plain(BigDecimal.valueOf(value));
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString();
    }

    private static byte[] decodeBase64(String value, int index) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw ConnectorException.invalidRequest("inputs.args[" + index
                    + "] is not valid base64 (options.encoding is \"base64\").");
        }
    }

    private static String describe(Object arg) {
        if (arg instanceof Map<?, ?>) {
            return "an object";
        }
        if (arg instanceof Collection<?> || arg.getClass().isArray()) {
            return "an array";
        }
        return "a " + arg.getClass().getSimpleName();
    }
}
