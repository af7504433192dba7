package dev.redisconnector.server.admin;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ConnectorOptions;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ConnectionReport;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.internal.ExecutionErrors;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.server.admin.AdminModel.ConnectionTest;
import dev.redisconnector.server.admin.AdminModel.TlsReport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's connection test: a fresh connection to a client's service with its stored credentials, waited for
 * (blocking) and rendered as a {@link ConnectionTest}: reachable, TLS, authenticated, version, role, latency, or the
 * precise failure (which, unlike an end user's error, names why: the name did not resolve, the host policy refused
 * the address, the handshake failed). Thread-safe.
 */
final class ConnectionTester {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionTester.class);

    private final CommandExecutor executor;

    ConnectionTester(CommandExecutor executor) {
        this.executor = executor;
    }

    /** Tests {@code service}; {@code credentials} is what the registry holds (or a lookup failure). */
    ConnectionTest test(String clientId, RedisService service, Optional<RedisCredentials> credentials) {
        if (credentials.isEmpty()) {
            return new ConnectionTest(clientId, service.host(), service.port(), false, null, null, null, null, null,
                    null, null, null, null, null, null, null, ErrorCode.NO_CREDENTIALS.name(),
                    "No credentials are stored for the Redis service of client '" + clientId + "'.");
        }
        Duration wait = (service.connectTimeout() == null ? Duration.ofSeconds(5) : service.connectTimeout())
                .plus(service.commandTimeout() == null ? Duration.ofSeconds(5)
                        : service.commandTimeout().multipliedBy(3))
                .plusSeconds(1);
        try {
            // a connection closed during its handshake is already tried once more by the connector (a refused login
            // is sometimes reported as a closed connection), so "wrong password" is what the operator reads
            ConnectionReport report = run(service, credentials.get(), wait);
            return passed(clientId, service, report);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectorException failure) {
                return failed(clientId, service, failure, service.tls().enabled(), service.connectTimeout() != null
                        ? service.connectTimeout() : ConnectorOptions.DEFAULT_CONNECT_TIMEOUT);
            }
            throw new IllegalStateException("connection test failed", e.getCause());
        } catch (TimeoutException e) {
            return new ConnectionTest(clientId, service.host(), service.port(), false, false, null, null, null, null,
                    null, null, null, null, null, null, null, ErrorCode.TIMEOUT.name(),
                    "The connection test did not finish within " + wait.toMillis() + " ms.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private ConnectionReport run(RedisService service, RedisCredentials credentials, Duration wait)
            throws ExecutionException, InterruptedException, TimeoutException {
        return executor.testConnection(new ExecutionTarget(service, credentials)).toCompletableFuture()
                .get(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ConnectionTest passed(String clientId, RedisService service, ConnectionReport report) {
        String host = service.host();
        int port = service.port();
        if (report.sentinels() != null) {
            // the sentinels asked, each with its answer; the address tested is the master they name
            int colon = report.currentMaster() == null ? -1 : report.currentMaster().lastIndexOf(':');
            if (colon > 0 && report.currentMaster().substring(colon + 1).matches("\\d+")) {
                host = report.currentMaster().substring(0, colon);
                port = Integer.parseInt(report.currentMaster().substring(colon + 1));
            }
        }
        return new ConnectionTest(clientId, host, port, true, true, true, report.serverVersion(), report.role(),
                report.mode(), report.protocol(), Math.round(report.latencyMillis() * 100) / 100.0,
                report.currentMaster(), report.sentinels(), report.clusterState(), report.clusterKnownNodes(),
                report.tlsProtocol() == null ? null : new TlsReport(report.tlsProtocol(), report.tlsPeerSubject()),
                null, null);
    }

    /** A failure; the registry's own failures come through here too (no TLS, no connect timeout). */
    static ConnectionTest failed(String clientId, RedisService service, ConnectorException failure, boolean tls,
                                 Duration connectTimeout) {
        String detail = ExecutionErrors.operatorDetail(failure.getCause(), tls, connectTimeout);
        String code = failure.code().name();
        if (detail != null) {
            // the operator learns what end users never see: the name did not resolve, or the host policy refused it
            String message = failure.getMessage();
            LOG.info("connection test failed client={} code={} detail={}", clientId, code, detail);
            return new ConnectionTest(clientId, service.host(), service.port(), false, false, false, null, null, null,
                    null, null, null, null, null, null, null, code, (message.endsWith(".")
                    ? message.substring(0, message.length() - 1) : message) + ": " + detail + ".");
        }
        LOG.info("connection test failed client={} code={}", clientId, code);
        boolean reachable = failure.code() == ErrorCode.REDIS_AUTH_FAILED || failure.code() == ErrorCode.REDIS_ERROR;
        return new ConnectionTest(clientId, service.host(), service.port(), false, reachable,
                failure.code() == ErrorCode.REDIS_ERROR, null, null, null, null, null, null, null, null, null, null,
                code, failure.getMessage());
    }
}
