package dev.redisconnector.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Where the prompt's lines come from: at a terminal, JLine with line editing and a history file
 * ({@code ~/.redis-connector_history}, arrow keys, Ctrl-R); otherwise plain stdin, one command per line. Not
 * thread-safe.
 */
abstract class LineSource implements AutoCloseable {

    /** The next line, or {@code null} at the end. */
    abstract String next() throws IOException;

    @Override
    public abstract void close() throws IOException;

    static LineSource open(String server, BufferedReader in) throws IOException {
        if (System.console() == null || !System.console().isTerminal()) {
            return new LineSource() {
                @Override
                String next() throws IOException {
                    return in.readLine();
                }

                @Override
                public void close() {
                    // stdin stays open for the caller
                }
            };
        }
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"),
                        ".redis-connector_history"))
                .build();
        String prompt = server.replaceFirst("^https?://", "") + "> ";
        return new LineSource() {
            @Override
            String next() {
                try {
                    return reader.readLine(prompt);
                } catch (UserInterruptException ctrlC) {
                    return "";
                } catch (EndOfFileException ctrlD) {
                    return null;
                }
            }

            @Override
            public void close() throws IOException {
                reader.getHistory().save();
                terminal.close();
            }
        };
    }
}
