package dev.redisconnector.core;

/**
 * Text from a request (a key, a pattern, a path) made fit to quote in an error message or a log line: cut to a
 * length, every character outside printable ASCII replaced by {@code ?}, so nothing a caller sent can forge a log line
 * or carry control characters into an answer. The one sanitiser. Stateless.
 */
public final class Printable {

    /** The usual cut for a quoted key, pattern or name: {@value}. */
    public static final int DEFAULT_LENGTH = 64;

    private Printable() {
    }

    /** {@code text} cut to {@code maxLength} characters (then {@code ...}) and made printable ASCII. */
    public static String quote(String text, int maxLength) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > maxLength ? text.substring(0, maxLength) + "..." : text;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        return out.toString();
    }

    /** {@link #quote(String, int)} with {@link #DEFAULT_LENGTH}. */
    public static String quote(String text) {
        return quote(text, DEFAULT_LENGTH);
    }
}
