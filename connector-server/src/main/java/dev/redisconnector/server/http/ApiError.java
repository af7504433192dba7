package dev.redisconnector.server.http;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import dev.redisconnector.core.reply.ReplyJson;

/**
 * An error as the native HTTP API writes it: {@code {"error": {"code", "step", "message"}}} with the code's HTTP
 * status. Immutable.
 *
 * @param code    the failure's code; its HTTP status is the answer's
 * @param step    the pipeline step, or {@link Step#ADMIN}/{@link Step#HTTP} outside the pipeline
 * @param message what went wrong and, where it helps, what to do
 * @param status  the HTTP status: the code's own, except where HTTP has a more precise one for the same code
 *                ({@code INVALID_REQUEST} as 413 for a body, 414 for a request line, 431 for headers that are too
 *                large)
 */
public record ApiError(ErrorCode code, Step step, String message, int status) {

    /** An error with the code's own HTTP status. */
    public ApiError(ErrorCode code, Step step, String message) {
        this(code, step, message, code.httpStatus());
    }

    /** The error of a failure. */
    public static ApiError of(ConnectorException e) {
        return new ApiError(e.code(), e.step(), e.getMessage());
    }

    /** {@code {"error": {"code": ..., "step": ..., "message": ...}}}. */
    public String toJson() {
        StringBuilder out = new StringBuilder(96 + message.length());
        out.append("{\"error\":{\"code\":");
        ReplyJson.writeString(code.name(), out);
        out.append(",\"step\":");
        ReplyJson.writeString(step.wireName(), out);
        out.append(",\"message\":");
        ReplyJson.writeString(message, out);
        out.append("}}");
        return out.toString();
    }
}
