package dev.redisconnector.core.command;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Caps how long a blocking command may block. The command's own timeout argument is rewritten when it asks for
 * longer than the cap or for ever ({@code 0}), so Redis itself ends the wait at the cap and answers as it does on
 * any timeout (a null reply); the connection stays clean and can be used again. Stateless.
 *
 * @param command the command to send (the original one when it already asks for no longer than the cap)
 * @param blocksFor the longest time Redis may hold the reply back
 */
public record BlockTime(VerifiedCommand command, Duration blocksFor) {

    /** Where a command's timeout argument is and its unit. */
    private enum Unit { SECONDS, MILLISECONDS }

    /**
     * The command with its block time capped at {@code max}. A command whose timeout cannot be found or read (a
     * module command, a malformed number Redis will reject) is sent unchanged and may block for {@code max}; the
     * connector then gives up on it and closes its connection.
     */
    public static BlockTime cap(VerifiedCommand command, Duration max) {
        int index;
        Unit unit;
        List<byte[]> args = command.args();
        switch (command.name()) {
            case "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX", "BRPOPLPUSH", "BLMOVE" -> {
                index = args.size() - 1;
                unit = Unit.SECONDS;
            }
            case "BLMPOP", "BZMPOP" -> {
                index = 0;
                unit = Unit.SECONDS;
            }
            case "WAIT" -> {
                index = 1;
                unit = Unit.MILLISECONDS;
            }
            case "WAITAOF" -> {
                index = 2;
                unit = Unit.MILLISECONDS;
            }
            case "XREAD", "XREADGROUP" -> {
                index = blockArgument(command);
                unit = Unit.MILLISECONDS;
            }
            default -> {
                return new BlockTime(command, max);
            }
        }
        if (index < 0 || index >= args.size()) {
            return new BlockTime(command, max);
        }
        BigDecimal requested;
        try {
            requested = new BigDecimal(new String(args.get(index), StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return new BlockTime(command, max);
        }
        if (requested.signum() < 0) {
            // Redis refuses a negative timeout at once
            return new BlockTime(command, Duration.ZERO);
        }
        BigDecimal millis = unit == Unit.SECONDS ? requested.movePointRight(3) : requested;
        BigDecimal maxMillis = BigDecimal.valueOf(max.toMillis());
        if (requested.signum() > 0 && millis.compareTo(maxMillis) <= 0) {
            return new BlockTime(command, Duration.ofMillis(millis.setScale(0, RoundingMode.CEILING)
                    .longValueExact()));
        }
        String capped = unit == Unit.SECONDS ? maxMillis.movePointLeft(3).stripTrailingZeros().toPlainString()
                : maxMillis.toPlainString();
        List<byte[]> rewritten = new ArrayList<>(args);
        rewritten.set(index, capped.getBytes(StandardCharsets.US_ASCII));
        return new BlockTime(new VerifiedCommand(command.name(), rewritten), max);
    }

    /** The index of the value after {@code BLOCK} (before {@code STREAMS}), or {@code -1}. */
    private static int blockArgument(VerifiedCommand command) {
        for (int i = 0; i < command.args().size() - 1; i++) {
            String word = command.argText(i);
            if ("STREAMS".equalsIgnoreCase(word)) {
                return -1;
            }
            if ("BLOCK".equalsIgnoreCase(word)) {
                return i + 1;
            }
        }
        return -1;
    }
}
