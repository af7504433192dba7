package dev.redisconnector.core;

import dev.redisconnector.core.reply.Reply;

/**
 * The outcome of one command of a pipeline: its reply, or the error that stopped it (refused, Redis error,
 * timeout). Exactly one of the two is set. Immutable.
 *
 * @param reply the reply, or {@code null}
 * @param error the failure, or {@code null}
 */
public record PipelineResult(Reply reply, ConnectorException error) {

    public PipelineResult {
        if ((reply == null) == (error == null)) {
            throw new IllegalArgumentException("a pipeline result is a reply or an error");
        }
    }

    /** Whether the command succeeded. */
    public boolean ok() {
        return error == null;
    }
}
