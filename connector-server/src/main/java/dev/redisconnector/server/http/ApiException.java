package dev.redisconnector.server.http;

/** An HTTP-level failure outside the pipeline (admin API, unknown route, body too large). */
public final class ApiException extends RuntimeException {

    private final ApiError error;

    public ApiException(int status, String code, String step, String message) {
        super(message, null, false, false);
        this.error = new ApiError(status, code, step, message);
    }

    /** {@code 400 INVALID_REQUEST} at step {@code admin}. */
    public static ApiException invalid(String message) {
        return new ApiException(400, "INVALID_REQUEST", "admin", message);
    }

    /** {@code 404 NOT_FOUND} at step {@code admin}. */
    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", "admin", message);
    }

    public ApiError error() {
        return error;
    }
}
