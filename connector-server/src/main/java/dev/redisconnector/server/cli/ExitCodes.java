package dev.redisconnector.server.cli;

/** Exit codes scripts can rely on. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** The operation ran and failed: not found, connection test failed, Redis error. */
    public static final int FAILED = 1;
    /** Bad usage or invalid input. */
    public static final int USAGE = 2;
    /** The registry, server or Redis could not be reached. */
    public static final int UNAVAILABLE = 3;
    /** Not authorized: missing or wrong admin token or session token. */
    public static final int UNAUTHORIZED = 4;

    private ExitCodes() {
    }

    /** The exit code for an HTTP-style status. */
    public static int forStatus(int status) {
        if (status == 401 || status == 403) {
            return UNAUTHORIZED;
        }
        if (status == 400 || status == 413) {
            return USAGE;
        }
        if (status == 502 || status == 503 || status == 504) {
            return UNAVAILABLE;
        }
        return FAILED;
    }
}
