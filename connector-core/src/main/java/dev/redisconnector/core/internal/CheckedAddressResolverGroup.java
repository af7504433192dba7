package dev.redisconnector.core.internal;

import dev.redisconnector.core.execution.HostPolicy;
import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves every address a Redis connection is about to use and refuses the ones the {@link HostPolicy} forbids,
 * before a byte is sent. Netty connects to exactly the address this resolver returned, so a name that resolves to
 * something else a moment later (DNS rebinding) cannot slip past the check; every reconnect resolves and checks
 * again. Addresses that are already resolved (IP literals) are checked too. Thread-safe.
 */
final class CheckedAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final AddressResolverGroup<? extends SocketAddress> delegate;
    private final HostPolicy policy;

    CheckedAddressResolverGroup(AddressResolverGroup<? extends SocketAddress> delegate, HostPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        AddressResolver<InetSocketAddress> resolver = (AddressResolver<InetSocketAddress>) delegate
                .getResolver(executor);
        return new AbstractAddressResolver<>(executor, InetSocketAddress.class) {
            @Override
            protected boolean doIsResolved(InetSocketAddress address) {
                // never skip resolution: even an IP literal goes through the check below
                return false;
            }

            @Override
            protected void doResolve(InetSocketAddress unresolved, Promise<InetSocketAddress> promise) {
                resolver.resolve(unresolved).addListener(done -> {
                    if (!done.isSuccess()) {
                        promise.tryFailure(done.cause());
                        return;
                    }
                    InetSocketAddress resolved = (InetSocketAddress) done.getNow();
                    if (policy.allows(resolved)) {
                        promise.trySuccess(resolved);
                    } else {
                        promise.tryFailure(new HostDeniedException());
                    }
                });
            }

            @Override
            protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) {
                resolver.resolveAll(unresolved).addListener(done -> {
                    if (!done.isSuccess()) {
                        promise.tryFailure(done.cause());
                        return;
                    }
                    List<InetSocketAddress> allowed = new ArrayList<>();
                    for (Object address : (List<?>) done.getNow()) {
                        if (policy.allows((InetSocketAddress) address)) {
                            allowed.add((InetSocketAddress) address);
                        }
                    }
                    if (allowed.isEmpty()) {
                        promise.tryFailure(new HostDeniedException());
                    } else {
                        promise.trySuccess(allowed);
                    }
                });
            }
        };
    }

    /**
     * The host policy refused the address. Reported to users exactly like any other failure to connect (so a refused
     * host cannot be told from a closed port); its type shows in the operator's log.
     */
    static final class HostDeniedException extends ConnectException {
        HostDeniedException() {
            super("connection refused");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
