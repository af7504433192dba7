package dev.redisconnector.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.lettuce.core.RedisURI;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.slf4j.Marker;

/**
 * Keeps the length of a password out of the log. Lettuce writes connection URIs into some of its log lines (an
 * unreachable sentinel, a failed reconnect), masking a password with one {@code *} per character; this filter
 * rewrites such lines with the mask {@code [masked]} before they are written, in text and JSON output alike.
 * Thread-safe and stateless; installed by {@code logback.xml}.
 */
public final class MaskedCredentialsFilter extends TurboFilter {

    private static final Pattern MASK = Pattern.compile("\\*+@");
    private static final String MASKED = "[masked]@";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable failure) {
        // turbo filters run before the level check: a line that will not be written is not looked at
        if (format == null || !logger.getName().startsWith("io.lettuce")
                || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        boolean changed = MASK.matcher(format).find();
        Object[] masked = params;
        if (params != null) {
            masked = params.clone();
            for (int i = 0; i < masked.length; i++) {
                Object param = masked[i];
                String text = param instanceof RedisURI || param instanceof Iterable<?> ? String.valueOf(param) : null;
                if (text != null && MASK.matcher(text).find()) {
                    masked[i] = MASK.matcher(text).replaceAll(MASKED);
                    changed = true;
                }
            }
        }
        if (!changed) {
            return FilterReply.NEUTRAL;
        }
        // the rewritten line no longer matches, so logging it again passes this filter
        String text = MASK.matcher(format).replaceAll(MASKED);
        switch (level.toInt()) {
            case Level.ERROR_INT -> logger.error(marker, text, append(masked, failure));
            case Level.WARN_INT -> logger.warn(marker, text, append(masked, failure));
            case Level.INFO_INT -> logger.info(marker, text, append(masked, failure));
            case Level.DEBUG_INT -> logger.debug(marker, text, append(masked, failure));
            default -> logger.trace(marker, text, append(masked, failure));
        }
        return FilterReply.DENY;
    }

    private static Object[] append(Object[] params, Throwable failure) {
        if (failure == null) {
            return params == null ? new Object[0] : params;
        }
        Object[] out = params == null ? new Object[1] : Arrays.copyOf(params, params.length + 1);
        out[out.length - 1] = failure;
        return out;
    }
}
