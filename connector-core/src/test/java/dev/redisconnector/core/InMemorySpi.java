package dev.redisconnector.core;

import dev.redisconnector.core.spi.CredentialStore;
import dev.redisconnector.core.spi.RedisCredentials;
import dev.redisconnector.core.spi.RedisService;
import dev.redisconnector.core.spi.ServiceRegistry;
import dev.redisconnector.core.spi.SessionValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's lookups held in maps, for core tests that exercise execution against a real Redis. The JDBC
 * registry has its own tests against real databases.
 */
final class InMemorySpi implements SessionValidator, ServiceRegistry, CredentialStore {

    final Map<String, Session> sessions = new ConcurrentHashMap<>();
    final Map<String, RedisService> services = new ConcurrentHashMap<>();
    final Map<String, RedisCredentials> credentials = new ConcurrentHashMap<>();
    volatile boolean registryDown;

    String login(String userId, String clientId) {
        String token = "token-" + UUID.randomUUID();
        sessions.put(token, new Session(new Session.User(userId, clientId), Instant.now().plusSeconds(3600), false));
        return token;
    }

    RedisService register(String clientId, int port, int database, Duration commandTimeout) {
        RedisService service = new RedisService(clientId, UUID.randomUUID().toString(), 1, "127.0.0.1", port, database,
                RedisService.TlsSettings.DISABLED, Duration.ofSeconds(2), commandTimeout);
        services.put(clientId, service);
        return service;
    }

    @Override
    public CompletionStage<Optional<Session>> validate(String sessionToken) {
        return CompletableFuture.completedFuture(Optional.ofNullable(sessions.get(sessionToken)));
    }

    @Override
    public CompletionStage<Optional<RedisService>> findService(String clientId) {
        if (registryDown) {
            return CompletableFuture.failedFuture(new IllegalStateException("database down"));
        }
        return CompletableFuture.completedFuture(Optional.ofNullable(services.get(clientId)));
    }

    @Override
    public CompletionStage<Optional<RedisCredentials>> findCredentials(RedisService service) {
        if (registryDown) {
            return CompletableFuture.failedFuture(new IllegalStateException("database down"));
        }
        return CompletableFuture.completedFuture(Optional.ofNullable(credentials.get(service.clientId())));
    }
}
