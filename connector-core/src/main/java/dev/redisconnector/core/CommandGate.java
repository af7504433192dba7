package dev.redisconnector.core;

import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandVerifier;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.policy.PolicyEnforcer;
import dev.redisconnector.core.policy.Scripts;
import dev.redisconnector.core.spi.CommandPolicy;
import dev.redisconnector.core.spi.RedisService;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every entry point does around steps 3 and 4: step 2 (verification), the rate limit, step 2b (classify the
 * command once with the target's command table, then the read-only session rule and the service's policy), the
 * listener's trace, and the timeout a command gets. Thread-safe.
 */
final class CommandGate {

    private final CommandVerifier verifier;
    private final CommandPolicy policy;
    private final ConnectorOptions options;
    private final RateLimiter rateLimiter;
    private final CommandListener listener;

    CommandGate(CommandVerifier verifier, CommandPolicy policy, ConnectorOptions options, CommandListener listener) {
        this.verifier = verifier;
        this.policy = policy;
        this.options = options;
        this.listener = listener;
        this.rateLimiter = options.rateLimitPerSecond() > 0
                ? new RateLimiter(options.rateLimitPerSecond(), options.rateLimitBurst()) : null;
    }

    /** Step 2. */
    VerifiedCommand verify(Inputs inputs, Encoding encoding) {
        return verifier.verify(inputs, encoding);
    }

    /** A trace of these commands for the listener, or {@code null} when nobody listens. */
    CommandTrace trace(Session session, List<Inputs> inputs) {
        return CommandTrace.of(listener, session, inputs);
    }

    /** The common prelude's rate limit: {@code RATE_LIMITED} when the client is over its rate. */
    void admit(Session session, int commands) {
        if (rateLimiter != null) {
            rateLimiter.acquire(session.user().clientId(), commands);
        }
    }

    static void requireCount(List<Inputs> commands, int limit) {
        if (commands == null || commands.isEmpty()) {
            throw ConnectorException.invalidRequest("inputs.commands must hold at least one command.");
        }
        if (commands.size() > limit) {
            throw ConnectorException.invalidRequest("inputs.commands has " + commands.size()
                    + " commands; the limit is " + limit + ".");
        }
    }

    static boolean runsCode(List<VerifiedCommand> commands) {
        for (VerifiedCommand command : commands) {
            if (command != null && Scripts.runsOrLoadsCode(command)) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code step}; a connector error it throws gets {@code prefix} in front of its message. */
    static <T> T prefixed(String prefix, Supplier<T> step) {
        try {
            return step.get();
        } catch (ConnectorException e) {
            throw e.prefixed(prefix);
        }
    }

    /**
     * Step 2b: classifies the command once with the target's command table, then applies the read-only session rule
     * and the service's policy; returns what to send (the command, or one the policy narrowed to the namespace).
     * {@code index} is the command's slot in the trace ({@code -1}: not traced).
     */
    ClassifiedCommand allowed(Session session, TargetResolver.Resolved resolved, VerifiedCommand command, int index,
                              CommandTrace trace) {
        ClassifiedCommand classified = resolved.classify(command);
        if (trace != null && index >= 0) {
            trace.classified(index, classified);
        }
        if (session.readOnly()) {
            PolicyEnforcer.requireReadOnly(session, resolved.service(), classified);
        }
        return policy.apply(session, resolved.service(), classified, resolved.scripts());
    }

    Duration timeout(RedisService service, ExecuteOptions requestOptions) {
        Duration serviceTimeout = service.commandTimeout() != null ? service.commandTimeout()
                : options.commandTimeout();
        Duration requested = requestOptions.timeout();
        return requested != null && requested.compareTo(serviceTimeout) < 0 ? requested : serviceTimeout;
    }

}
