package dev.redisconnector.core.internal;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.ConnectionReport;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.reply.Reply;
import dev.redisconnector.core.spi.RedisService;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Runs a connection test on a fresh connection: PING, {@code INFO server}, {@code ROLE}, then what the mode needs
 * (the sentinels' current master, {@code CLUSTER INFO}) and, with TLS, a handshake that reports the protocol and the
 * server certificate. A service registered in the wrong mode is reported as such. Used once per test.
 */
final class ConnectionProbe {

    private final LettuceCommandExecutor executor;
    private final ConnectionOpener opener;
    private final RedisHandle handle;
    private final ExecutionTarget target;
    private final Duration timeout;

    ConnectionProbe(LettuceCommandExecutor executor, ConnectionOpener opener, RedisHandle handle,
                    ExecutionTarget target, Duration timeout) {
        this.executor = executor;
        this.opener = opener;
        this.handle = handle;
        this.target = target;
        this.timeout = timeout;
    }

    CompletableFuture<ConnectionReport> run() {
        RedisService service = target.service();
        String clientId = service.clientId();
        long started = System.nanoTime();
        // an ACL user may not be allowed PING, INFO or ROLE: the round trip still proves the connection and the login
        return optional("PING").thenCompose(pong -> {
            double latency = (System.nanoTime() - started) / 1_000_000.0;
            return optional("INFO", "server").thenCompose(info -> optional("ROLE").thenCompose(role -> {
                String text = info instanceof Reply.StringReply s ? s.text() : "";
                String serverMode = info instanceof Reply.ErrorReply denied ? "unknown (" + denied.message() + ")"
                        : infoField(text, "redis_mode");
                if (!(info instanceof Reply.ErrorReply)) {
                    checkMode(service, serverMode);
                }
                // a master found through sentinels runs as "standalone"; the service is a sentinel service
                String mode = service.mode() == RedisService.Mode.SENTINEL ? "sentinel" : serverMode;
                String roleName = role instanceof Reply.ArrayReply a && !a.elements().isEmpty()
                        && a.elements().getFirst() instanceof Reply.StringReply r ? r.text()
                        : role instanceof Reply.ErrorReply denied ? "unknown (" + denied.message() + ")" : "unknown";
                return modeDetails(service).thenCompose(details -> tlsDetails(service, details.masterAddress())
                        .thenApply(tls -> new ConnectionReport(info instanceof Reply.ErrorReply denied
                                ? "unknown (" + denied.message() + ")" : infoField(text, "redis_version"), roleName,
                                mode, latency, protocol(), details.masterAddress(), details.clusterState(),
                                details.knownNodes(), tls == null ? null : tls[0], tls == null ? null : tls[1],
                                details.sentinels())));
            }));
        });
    }

    /** A command the service's user may not be allowed to run (ACL): a Redis error becomes an error reply. */
    private CompletableFuture<Reply> optional(String name, String... args) {
        return call(name, args).exceptionally(failure -> {
            Throwable cause = ConnectorException.unwrap(failure);
            if (cause instanceof ConnectorException e && e.code() == ErrorCode.REDIS_ERROR) {
                return new Reply.ErrorReply(e.getMessage().split(" ")[0]);
            }
            throw failure instanceof RuntimeException runtime ? runtime : new CompletionException(
                    failure);
        });
    }

    private CompletableFuture<Reply> call(String name, String... args) {
        List<byte[]> bytes = Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList();
        return executor.dispatch(handle, new VerifiedCommand(name, bytes), timeout, target.service().clientId());
    }

    private static void checkMode(RedisService service, String serverMode) {
        String at = service.host() + ":" + service.port();
        if (service.mode() != RedisService.Mode.CLUSTER && "cluster".equals(serverMode)) {
            throw new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Wrong mode: the server at " + at
                    + " is a Redis Cluster node, but the service is registered as " + name(service)
                    + "; register it with mode cluster.");
        }
        if ("sentinel".equals(serverMode)) {
            throw new ConnectorException(ErrorCode.REDIS_UNAVAILABLE, "Wrong mode: the server at " + at
                    + " is a Redis Sentinel; register the service with mode sentinel, the master name and the"
                    + " sentinels' addresses.");
        }
    }

    private static String name(RedisService service) {
        return service.mode().name().toLowerCase(Locale.ROOT);
    }

    private record ModeDetails(String masterAddress, String clusterState, Integer knownNodes,
                               List<String> sentinels) {
    }

    private CompletableFuture<ModeDetails> modeDetails(RedisService service) {
        return switch (service.mode()) {
            case STANDALONE -> CompletableFuture.completedFuture(new ModeDetails(null, null, null, null));
            case CLUSTER -> call("CLUSTER", "INFO").thenApply(info -> {
                String text = info instanceof Reply.StringReply s ? s.text() : "";
                String known = infoField(text, "cluster_known_nodes");
                return new ModeDetails(null, infoField(text, "cluster_state"),
                        known.matches("\\d+") ? Integer.valueOf(known) : null, null);
            });
            case SENTINEL -> askSentinels(service);
        };
    }

    /**
     * Asks every sentinel for the master: the report lists each sentinel with its answer ({@code "host:port -> master
     * host:port"}), and the current master is the answer most sentinels give.
     */
    private CompletableFuture<ModeDetails> askSentinels(RedisService service) {
        List<RedisURI> sentinels = ConnectionOpener.uri(service, target.credentials()).getSentinels();
        List<CompletableFuture<String>> answers = sentinels.stream().map(this::currentMaster).toList();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<String, Integer> votes = new TreeMap<>();
            List<String> asked = new ArrayList<>();
            for (int i = 0; i < sentinels.size(); i++) {
                String answer = answers.get(i).join();
                asked.add(sentinels.get(i).getHost() + ":" + sentinels.get(i).getPort() + " -> " + answer);
                if (!answer.startsWith("unknown")) {
                    votes.merge(answer, 1, Integer::sum);
                }
            }
            String master = votes.entrySet().stream().max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey).orElse(answers.getFirst().join());
            return new ModeDetails(master, null, null, List.copyOf(asked));
        });
    }

    private CompletableFuture<String> currentMaster(RedisURI sentinel) {
        RedisService service = target.service();
        return opener.sharedClient().connectSentinelAsync(ByteArrayCodec.INSTANCE, sentinel).toCompletableFuture()
                .thenCompose(connection -> connection.async()
                        .getMasterAddrByName(service.masterName().getBytes(StandardCharsets.UTF_8))
                        .toCompletableFuture()
                        .whenComplete((address, failure) -> connection.closeAsync()))
                .thenApply(ConnectionProbe::address)
                .exceptionally(failure -> "unknown (" + failure.getClass().getSimpleName() + ")");
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** With TLS: {protocol, peer subject} from a JDK handshake with the service's own trust settings. */
    private CompletableFuture<String[]> tlsDetails(RedisService service, String masterAddress) {
        if (!service.tls().enabled()) {
            return CompletableFuture.completedFuture(null);
        }
        String host = service.host();
        int port = service.port();
        if (masterAddress != null && masterAddress.lastIndexOf(':') > 0) {
            host = masterAddress.substring(0, masterAddress.lastIndexOf(':'));
            port = Integer.parseInt(masterAddress.substring(masterAddress.lastIndexOf(':') + 1));
        }
        String targetHost = host;
        int targetPort = port;
        // one blocking JDK handshake per test, on a virtual thread of its own (no executor to leak)
        return CompletableFuture.supplyAsync(() -> handshake(service, targetHost, targetPort),
                task -> Thread.ofVirtual().name("tls-probe").start(task));
    }

    private String[] handshake(RedisService service, String host, int port) {
        try {
            SSLContext context = TlsMaterial.sslContext(service, target.credentials());
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                SSLParameters parameters = socket.getSSLParameters();
                if (!host.matches("[0-9.:]+")) {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                }
                if (service.tls().verifyHostname()) {
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                SSLSession session = socket.getSession();
                String subject = session.getPeerCertificates()[0] instanceof X509Certificate x509
                        ? x509.getSubjectX500Principal().getName() : "unknown";
                return new String[] {session.getProtocol(), subject};
            }
        } catch (Exception e) {
            return new String[] {"handshake failed: " + e.getClass().getSimpleName(), null};
        }
    }

    private String protocol() {
        if (handle.connection() instanceof StatefulRedisConnectionImpl<?, ?> impl) {
            return String.valueOf(impl.getConnectionState().getNegotiatedProtocolVersion());
        }
        return "RESP3";
    }

    static String infoField(String info, String field) {
        for (String line : info.split("\\r?\\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        return "unknown";
    }
}
