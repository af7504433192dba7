package dev.redisconnector.core;

import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.reply.Reply;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link CommandListener} is told about a request, filled in as the request goes: one event per command
 * (one for an execute, one per command of a pipeline or transaction). A listener that throws is logged, never allowed
 * to change the answer. The pipeline's stages fill in distinct slots before the outcome is known; the outcome's
 * stage reads them after (completion orders the writes).
 */
final class CommandTrace {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTrace.class);

    private final long epochMillis = System.currentTimeMillis();
    private final long started = System.nanoTime();
    private final CommandListener listener;
    private final Session session;
    private final List<Inputs> inputs;
    private final VerifiedCommand[] verified;
    private final ClassifiedCommand[] classified;

    private CommandTrace(CommandListener listener, Session session, List<Inputs> inputs) {
        this.listener = listener;
        this.session = session;
        this.inputs = inputs;
        this.verified = new VerifiedCommand[inputs.size()];
        this.classified = new ClassifiedCommand[inputs.size()];
    }

    /** A trace, or {@code null} when nobody listens. */
    static CommandTrace of(CommandListener listener, Session session, List<Inputs> inputs) {
        return listener == null ? null : new CommandTrace(listener, session, inputs);
    }

    void verified(int index, VerifiedCommand command) {
        verified[index] = command;
    }

    void classified(int index, ClassifiedCommand command) {
        classified[index] = command;
    }

    /** The outcome of a single command. */
    void finish(Reply reply, Throwable failure) {
        emit(0, failure == null ? null : ConnectorException.codeOf(failure),
                failure == null ? CommandEvent.sizeOf(reply) : 0, System.nanoTime() - started);
    }

    /** The outcome of a pipeline or transaction: a whole failure, or one result per command. */
    void finishAll(List<PipelineResult> results, Throwable failure) {
        ErrorCode whole = failure == null ? null : ConnectorException.codeOf(failure);
        long nanos = System.nanoTime() - started;
        for (int i = 0; i < inputs.size(); i++) {
            PipelineResult result = results == null || i >= results.size() ? null : results.get(i);
            ErrorCode outcome = whole != null ? whole : result == null || result.ok() ? null : result.error().code();
            emit(i, outcome, result != null && result.ok() ? CommandEvent.sizeOf(result.reply()) : 0, nanos);
        }
    }

    private void emit(int index, ErrorCode outcome, long replyBytes, long nanos) {
        VerifiedCommand command = verified[index];
        String name = command != null ? command.name() : safeName(inputs.get(index).command());
        try {
            listener.onCommand(new CommandEvent(epochMillis, session.user().id(), session.user().clientId(), name,
                    outcome, nanos, replyBytes, classified[index]));
        } catch (RuntimeException e) {
            LOG.warn("command listener failed type={}", e.getClass().getName());
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
