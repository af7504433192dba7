package dev.redisconnector.core;

import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.reply.Reply;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link CommandListener} is told about one command, filled in as the request goes; {@link Batch} does the
 * same for a pipeline or transaction (one event per command). A listener that throws is logged, never allowed to
 * change the answer. Not thread-safe beyond the volatile fields the pipeline's stages set.
 */
final class CommandTrace {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTrace.class);

    private final long epochMillis = System.currentTimeMillis();
    private final long started = System.nanoTime();
    private final CommandListener listener;
    private final Session session;
    private final String rawName;
    volatile VerifiedCommand verified;
    volatile CommandCatalog catalog;

    CommandTrace(CommandListener listener, Session session, String rawName) {
        this.listener = listener;
        this.session = session;
        this.rawName = rawName;
    }

    void finish(Reply reply, Throwable failure) {
        ErrorCode outcome = failure == null ? null : ConnectorException.codeOf(failure);
        emit(outcome, failure == null ? CommandEvent.sizeOf(reply) : 0);
    }

    void emit(ErrorCode outcome, long replyBytes) {
        VerifiedCommand command = verified;
        String name = command != null ? command.name() : safeName(rawName);
        try {
            listener.onCommand(new CommandEvent(epochMillis, session.user().id(), session.user().clientId(),
                    name, outcome, System.nanoTime() - started, replyBytes, command, catalog));
        } catch (RuntimeException e) {
            LOG.warn("command listener failed type={}", e.getClass().getName());
        }
    }


    /** The listener's view of a pipeline or transaction: one event per command. */
    static final class Batch {
        private final long epochMillis = System.currentTimeMillis();
        private final long started = System.nanoTime();
        private final CommandListener listener;
        private final Session session;
        private final List<Inputs> commands;
        final VerifiedCommand[] verified;
        volatile CommandCatalog catalog;

        Batch(CommandListener listener, Session session, List<Inputs> commands) {
            this.listener = listener;
            this.session = session;
            this.commands = commands;
            this.verified = new VerifiedCommand[commands.size()];
        }

        void finish(List<PipelineResult> results, Throwable failure) {
            ErrorCode whole = failure == null ? null : ConnectorException.codeOf(failure);
            long nanos = System.nanoTime() - started;
            for (int i = 0; i < commands.size(); i++) {
                PipelineResult result = results == null || i >= results.size() ? null : results.get(i);
                ErrorCode outcome = whole != null ? whole
                        : result == null || result.ok() ? null : result.error().code();
                long bytes = result != null && result.ok() ? CommandEvent.sizeOf(result.reply()) : 0;
                VerifiedCommand command = verified[i];
                String name = command != null ? command.name() : safeName(commands.get(i).command());
                try {
                    listener.onCommand(new CommandEvent(epochMillis, session.user().id(),
                            session.user().clientId(), name, outcome, nanos, bytes, command, catalog));
                } catch (RuntimeException e) {
                    LOG.warn("command listener failed type={}", e.getClass().getName());
                }
            }
        }
    }

    /** A command name fit for an audit trail: at most 64 letters, digits and {@code ._-|:}, upper case. */
    private static String safeName(String raw) {
        if (raw == null || raw.isBlank()) {
            return "?";
        }
        String word = raw.strip();
        int space = word.indexOf(' ');
        word = (space > 0 ? word.substring(0, space) : word).toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(Math.min(word.length(), 64));
        for (int i = 0; i < word.length() && out.length() < 64; i++) {
            char c = word.charAt(i);
            out.append(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || ".-_|:".indexOf(c) >= 0 ? c : '?');
        }
        return out.toString();
    }
}
