package dev.redisconnector.server.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line the way {@code redis-cli} does: words separated by spaces; {@code "double quotes"} with
 * escapes ({@code \\n}, {@code \\t}, {@code \\"}, {@code \\\\}, {@code \\xHH}); {@code 'single quotes'} taken as they
 * are except {@code \\'}. Stateless.
 */
final class RedisCliQuoting {

    private RedisCliQuoting() {
    }

    /** The words of {@code line}; throws {@link IllegalArgumentException} for unbalanced quotes. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= line.length()) {
                break;
            }
            StringBuilder word = new StringBuilder();
            char first = line.charAt(i);
            if (first == '"' || first == '\'') {
                i++;
                boolean closed = false;
                while (i < line.length()) {
                    char c = line.charAt(i++);
                    if (c == first) {
                        closed = true;
                        break;
                    }
                    if (c == '\\' && i < line.length()) {
                        char next = line.charAt(i++);
                        if (first == '\'') {
                            word.append(next == '\'' ? "'" : "\\" + next);
                        } else {
                            switch (next) {
                                case 'n' -> word.append('\n');
                                case 'r' -> word.append('\r');
                                case 't' -> word.append('\t');
                                case 'x' -> {
                                    if (i + 1 < line.length()) {
                                        word.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
                                        i += 2;
                                    }
                                }
                                default -> word.append(next);
                            }
                        }
                    } else {
                        word.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unbalanced quotes in: " + line);
                }
            } else {
                while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                    word.append(line.charAt(i++));
                }
            }
            words.add(word.toString());
        }
        return words;
    }
}
