package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Maps Lettuce and network failures to connector errors in one place. Messages name what went wrong and never carry
 * a password: only Redis's own error text and fixed explanations are used, never Lettuce's messages (which may
 * contain connection URIs). Stateless.
 */
public final class ExecutionErrors {

    private ExecutionErrors() {
    }

    /** The error for a failed connection attempt. */
    public static ConnectorException connectFailure(Throwable failure, String clientId, Duration connectTimeout) {
        Throwable cause = unwrap(failure);
        String service = "the Redis service of client '" + clientId + "'";
        RedisCommandExecutionException rejected = find(cause, RedisCommandExecutionException.class);
        if (rejected != null && redisText(rejected).startsWith("NOAUTH")) {
            // nothing was sent: the stored credentials are of kind none and the server wants a password
            return new ConnectorException(ErrorCode.REDIS_AUTH_FAILED, service.substring(0, 1).toUpperCase()
                    + service.substring(1) + " requires a password, and its stored credentials have none: "
                    + redisText(rejected), failure);
        }
        if (rejected != null && isAuthFailure(rejected.getMessage())) {
            return new ConnectorException(ErrorCode.REDIS_AUTH_FAILED, "Redis rejected the stored credentials of "
                    + service + ": " + redisText(rejected) , failure);
        }
        if (mentions(cause, "cluster support disabled")) {
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Wrong mode: " + service + " is registered as"
                    + " a cluster, but the server is not a Redis Cluster node (ERR This instance has cluster support"
                    + " disabled); register it as standalone or sentinel.", failure);
        }
        if (rejected != null && ReplySizeGuard.MARKER.equals(redisText(rejected))) {
            // the server's handshake reply was absurdly large: whatever it is, it is not a Redis to talk to
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Could not connect to " + service + ".",
                    failure);
        }
        if (rejected != null) {
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Could not set up the connection to " + service
                    + ": Redis replied " + redisText(rejected), failure);
        }
        if (find(cause, RedisException.class) != null && cause.getMessage() != null
                && cause.getMessage().contains("Cannot provide redisAddress using sentinel")) {
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Could not connect to " + service
                    + ": no sentinel knows a master with the registered name.", failure);
        }
        if (find(cause, SSLException.class) != null) {
            SSLException ssl = find(cause, SSLException.class);
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Could not connect to " + service
                    + ": the TLS handshake failed (" + safeSslReason(ssl) + ").", failure);
        }
        if (find(cause, UnknownHostException.class) != null) {
            // the same words as an address the host policy refuses: answers never tell which names resolve
            // (the operator's connection test adds the reason, see operatorDetail)
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Could not connect to " + service + ".",
                    failure);
        }
        if (cause instanceof TimeoutException || find(cause, ConnectTimeoutException.class) != null) {
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Could not connect to " + service
                    + " within " + connectTimeout.toMillis() + " ms.", failure);
        }
        return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Could not connect to " + service + ".", failure);
    }

    /**
     * What the operator (not the end user) may learn about a failure to connect that end users see only as "Could not
     * connect": the name did not resolve, or the host policy refused the address. {@code null} when there is nothing
     * more to say.
     */
    public static String operatorDetail(Throwable failure) {
        return operatorDetail(failure, false, null);
    }

    /**
     * {@link #operatorDetail(Throwable)} with what the service was registered as: each cause named with the next
     * step (refused, no answer in time, TLS on one side only, an unknown CA, a certificate for another host).
     *
     * @param tls            whether the service is registered with TLS
     * @param connectTimeout the connect timeout that applied, or {@code null}
     */
    public static String operatorDetail(Throwable failure, boolean tls, Duration connectTimeout) {
        if (failure == null) {
            return null;
        }
        if (find(failure, UnknownHostException.class) != null) {
            return "its host name could not be resolved";
        }
        if (find(failure, CheckedAddressResolverGroup.HostDeniedException.class) != null) {
            return "the connector's host policy refuses its address (link-local and cloud metadata addresses always;"
                    + " loopback, private networks and RC_DENIED_NETWORKS as configured)";
        }
        String text = messages(failure);
        if (text.contains("unable to find valid certification path") || text.contains("PKIX path")) {
            return "its TLS certificate is signed by a CA the connector does not trust; give the service that CA"
                    + " (--tls-ca-file, or tls.caCertificatePem)";
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return "its TLS certificate does not name the registered host; register the name the certificate has,"
                    + " or turn host name verification off (--no-verify-hostname)";
        }
        if (tls && (text.contains("not an SSL/TLS record") || text.contains("Unsupported or unrecognized SSL")
                || find(failure, SSLException.class) == null && isTimeout(failure))) {
            return "no TLS handshake: the server does not seem to speak TLS on this port; register the service"
                    + " without --tls, or use its TLS port";
        }
        if (text.contains("Connection refused")) {
            return "connection refused: nothing listens on that port (is Redis running, is the port right?)";
        }
        if (isTimeout(failure)) {
            return "no answer within " + (connectTimeout == null ? "the connect timeout" : connectTimeout.toMillis()
                    + " ms") + ": no route to the address, a firewall dropping packets, or the server is down";
        }
        if (closedDuringHandshake(failure, tls)) {
            return "the server closed the connection during the handshake: it may speak TLS on this port; register"
                    + " the service with --tls";
        }
        return null;
    }

    /**
     * Whether a plain-text connection attempt ended with the connection closed before the handshake finished (a TLS
     * port, or, rarely, the client closing after a refused login before that refusal was reported: Lettuce then says
     * "closed prematurely", or, when the channel was gone before it looked for its handshake handler, "not
     * registered").
     */
    public static boolean closedDuringHandshake(Throwable failure, boolean tls) {
        if (tls || failure == null || isTimeout(failure)) {
            return false;
        }
        String text = messages(failure);
        return text.contains("Connection closed") || text.contains("closed prematurely")
                || find(failure, ClosedChannelException.class) != null || text.contains("Connection reset")
                || text.contains("RedisHandshakeHandler not registered");
    }

    private static boolean isTimeout(Throwable failure) {
        return find(failure, TimeoutException.class) != null || find(failure, ConnectTimeoutException.class) != null
                || find(failure, RedisCommandTimeoutException.class) != null;
    }

    /** Every message along the cause chain, for recognising a cause (never shown as such). */
    private static String messages(Throwable failure) {
        StringBuilder out = new StringBuilder();
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 12; depth++, current = current.getCause()) {
            out.append(current.getClass().getSimpleName()).append(": ").append(current.getMessage()).append(" | ");
        }
        return out.toString();
    }

    /** The error for a command that was sent (or tried to be sent) on an open connection. */
    public static ConnectorException commandFailure(Throwable failure, String clientId, Duration timeout) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ConnectorException connectorException) {
            return connectorException;
        }
        if (cause instanceof RedisCommandTimeoutException || cause instanceof TimeoutException) {
            return timeout(timeout, failure);
        }
        if (cause instanceof RedisCommandExecutionException redisError) {
            String text = redisText(redisError);
            if (isAuthFailure(text)) {
                return new ConnectorException(ErrorCode.REDIS_AUTH_FAILED, "Redis rejected the stored credentials of"
                        + " the Redis service of client '" + clientId + "': " + text, failure);
            }
            return new ConnectorException(ErrorCode.REDIS_ERROR, explain(text), failure);
        }
        if (cause instanceof RedisConnectionException) {
            return connectFailure(cause, clientId, timeout);
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        if (message.startsWith("Currently not connected") || message.contains("Commands are rejected")) {
            return new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "The connection to the Redis service of client '"
                    + clientId + "' is down; the command was not sent.", failure);
        }
        if (cause instanceof CancellationException || cause instanceof ClosedChannelException
                || message.contains("Connection closed") || message.contains("Connection reset")
                || message.contains("Connection disconnected")
                || find(cause, IOException.class) != null) {
            return new ConnectorException(ErrorCode.TIMEOUT, "The connection to the Redis service of client '"
                    + clientId + "' was lost before the reply arrived; the outcome is unknown: the command may or may"
                    + " not have run.", failure);
        }
        return new ConnectorException(ErrorCode.INTERNAL, "The command failed unexpectedly.", failure);
    }

    /** {@code TIMEOUT} with the outcome-unknown message. */
    public static ConnectorException timeout(Duration timeout, Throwable cause) {
        return new ConnectorException(ErrorCode.TIMEOUT, "Redis did not reply within " + timeout.toMillis()
                + " ms; the outcome is unknown: the command may or may not have run.", cause);
    }

    /** Redis's own text, with what to do about the errors a connector user cannot be expected to know. */
    static String explain(String text) {
        if (text.startsWith("CROSSSLOT")) {
            return text + " (in a Redis Cluster every key of one command must hash to the same slot: give the keys a"
                    + " common hash tag in braces, e.g. {order:12345}:status and {order:12345}:items)";
        }
        if (text.startsWith("MOVED") || text.startsWith("ASK ")) {
            return text + " (the server is a Redis Cluster node: register the service with mode cluster)";
        }
        if (text.startsWith("READONLY")) {
            return text + " (the server is a replica: for Sentinel, register the service with mode sentinel so"
                    + " commands follow the master)";
        }
        return text;
    }

    static boolean isAuthFailure(String text) {
        if (text == null) {
            return false;
        }
        String upper = text.toUpperCase(Locale.ROOT);
        return upper.startsWith("WRONGPASS") || upper.startsWith("NOAUTH") || upper.contains("INVALID PASSWORD")
                || upper.contains("AUTH <PASSWORD> CALLED WITHOUT") || upper.contains("INVALID USERNAME-PASSWORD");
    }

    private static String redisText(RedisCommandExecutionException e) {
        String text = e.getMessage();
        return text == null ? "(no message)" : text;
    }

    private static String safeSslReason(SSLException ssl) {
        Throwable root = ssl;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = ssl.getMessage();
        }
        if (message == null) {
            return root.getClass().getSimpleName();
        }
        return message.length() > 300 ? message.substring(0, 300) : message;
    }

    static Throwable unwrap(Throwable failure) {
        return ConnectorException.unwrap(failure);
    }

    /** Whether any message along the cause chain contains {@code text} (used only to classify, never shown). */
    private static boolean mentions(Throwable failure, String text) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 16; depth++, current = current.getCause()) {
            if (current.getMessage() != null && current.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 16; depth++) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current.getCause();
        }
        return null;
    }

    /** The types along a failure's cause chain, for logs (types only: messages may hold addresses). */
    static String causeChain(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        Throwable current = failure.getCause();
        for (int depth = 0; current != null && depth < 8; depth++, current = current.getCause()) {
            chain.append(depth == 0 ? "" : " > ").append(current.getClass().getSimpleName());
        }
        return chain.isEmpty() ? "none" : chain.toString();
    }
}
