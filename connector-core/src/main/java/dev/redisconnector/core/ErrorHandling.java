package dev.redisconnector.core;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 6, error handling: every failure leaves the pipeline as a {@link ConnectorException} with its code and step.
 * A registry call that fails with anything else is {@code REGISTRY_UNAVAILABLE} at its step; anything else
 * unexpected is {@code INTERNAL} with a reference (logged with its stack trace, never shown). Also the stage helpers
 * that keep the pipeline on the calling thread while every lookup answers from memory. Stateless.
 */
final class ErrorHandling {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);

    private ErrorHandling() {
    }

    /** The connector error a failure stands for: itself when it is one (unwrapped), else {@code INTERNAL}. */
    static ConnectorException classify(Throwable failure, Step step) {
        Throwable cause = ConnectorException.unwrap(failure);
        return cause instanceof ConnectorException known ? known : ConnectorException.internal(cause, step);
    }

    /** A stage that fails with the {@link ConnectorException} itself, never wrapped nor of another type. */
    static <T> CompletionStage<T> settle(CompletionStage<T> stage) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (succeeded(future)) {
            return future;
        }
        CompletableFuture<T> settled = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                settled.completeExceptionally(classify(failure, Step.EXECUTION));
            } else {
                settled.complete(value);
            }
        });
        return settled;
    }

    /** Runs a registry-backed step; a failure that is not already a connector error means the registry failed. */
    static <T> CompletableFuture<T> registryStep(Step step, Supplier<CompletionStage<T>> call) {
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(call.get(), "a pipeline step returned null");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(registryFailure(e, step));
        }
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (succeeded(future)) {
            return future;
        }
        return future.handle((value, failure) -> {
            if (failure != null) {
                throw registryFailure(failure, step);
            }
            return value;
        });
    }

    private static ConnectorException registryFailure(Throwable failure, Step step) {
        Throwable cause = ConnectorException.unwrap(failure);
        if (cause instanceof ConnectorException connectorException) {
            return connectorException.code() == ErrorCode.REGISTRY_UNAVAILABLE
                    ? connectorException.atStep(step) : connectorException;
        }
        LOG.warn("registry failure at step={} type={}", step.wireName(), cause.getClass().getName());
        return ConnectorException.registryUnavailable(step, cause);
    }

    /**
     * {@code then.apply(value)} on the calling thread when {@code stage} already succeeded (no extra stage, no
     * hand-off), else once it does; a {@link RuntimeException} thrown by {@code then} fails the returned stage.
     */
    static <T, R> CompletionStage<R> then(CompletionStage<T> stage, Function<T, CompletionStage<R>> then) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (succeeded(future)) {
            try {
                return then.apply(future.join());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return future.thenCompose(then);
    }

    static boolean succeeded(CompletableFuture<?> future) {
        return future.isDone() && !future.isCompletedExceptionally();
    }
}
