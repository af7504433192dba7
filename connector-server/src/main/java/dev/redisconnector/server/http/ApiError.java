package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.reply.ReplyJson;

/**
 * An error as the HTTP API reports it: status, code, step and a message safe to show. Immutable.
 *
 * @param status  HTTP status
 * @param code    machine-readable code, e.g. {@code NO_REDIS_SERVICE}
 * @param step    pipeline step ({@code session}, {@code command}, ...) or {@code admin}/{@code http}
 * @param message what went wrong and, where it helps, what to do
 */
public record ApiError(int status, String code, String step, String message) {

    /** The error of a pipeline failure. */
    public static ApiError of(ConnectorException e) {
        return new ApiError(e.code().httpStatus(), e.code().name(), e.step().wireName(), e.getMessage());
    }

    /** The same error reported under another step. */
    public ApiError withStep(String newStep) {
        return new ApiError(status, code, newStep, message);
    }

    /** {@code {"error": {"code": ..., "step": ..., "message": ...}}}. */
    public String toJson() {
        StringBuilder out = new StringBuilder(96 + message.length());
        out.append("{\"error\":{\"code\":");
        ReplyJson.writeString(code, out);
        out.append(",\"step\":");
        ReplyJson.writeString(step, out);
        out.append(",\"message\":");
        ReplyJson.writeString(message, out);
        out.append("}}");
        return out.toString();
    }
}
