package dev.redisconnector.core.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.ExecutionTarget;
import dev.redisconnector.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies that a service's Redis user confines scripts to the service's policy: asks who the user is
 * ({@code ACL WHOAMI}), then checks with {@code ACL DRYRUN} that it refuses every command, key, channel and database a
 * script could use to leave the policy ({@link AclPlan#probes()}). Verdicts are kept per service and credentials
 * version (a policy change is a new version) for {@link #DEFAULT_RECHECK}, so an ACL loosened later is noticed.
 * Thread-safe.
 */
public final class ScriptVerifier {

    /** How long a verdict is kept before the ACL is checked again: {@value #RECHECK_SECONDS} s. */
    public static final Duration DEFAULT_RECHECK = Duration.ofSeconds(ScriptVerifier.RECHECK_SECONDS);
    static final long RECHECK_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ScriptVerifier.class);
    private static final int LISTED = 8;

    private final CommandExecutor executor;
    private final Duration timeout;
    private final Cache<Key, CompletableFuture<ScriptConfinement>> verdicts;

    /** A verifier that runs its checks through {@code executor}, each batch within {@code timeout}. */
    public ScriptVerifier(CommandExecutor executor, Duration timeout, Duration recheck) {
        this.executor = executor;
        this.timeout = timeout;
        this.verdicts = Caffeine.newBuilder().expireAfterWrite(recheck).maximumSize(100_000)
                .executor(Runnable::run).build();
    }

    private record Key(String serviceId, long serviceVersion, long credentialsVersion) {
    }

    /** The verdict for the target's service and credentials (cached; checked on first use). */
    public CompletionStage<ScriptConfinement> verdict(ExecutionTarget target) {
        Key key = new Key(target.service().serviceId(), target.service().version(), target.credentials().version());
        CompletableFuture<ScriptConfinement> cached = verdicts.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<ScriptConfinement> verdict = verdicts.get(key, ignored -> verify(target)
                .toCompletableFuture());
        verdict.whenComplete((value, failure) -> {
            if (failure != null) {
                verdicts.asMap().remove(key, verdict);
            }
        });
        return verdict;
    }

    /** Forgets every verdict (an operator changed ACLs and wants them checked now). */
    public void forgetAll() {
        verdicts.invalidateAll();
    }

    private CompletionStage<ScriptConfinement> verify(ExecutionTarget target) {
        return executor.catalog(target).thenCompose(catalog -> {
            AclPlan plan = new AclPlan(target.service(), catalog);
            String impossible = plan.impossibility();
            if (impossible != null) {
                return CompletableFuture.completedFuture(ScriptConfinement.notConfined(impossible));
            }
            return whoAmI(target).thenCompose(user -> user == null
                    ? CompletableFuture.completedFuture(ScriptConfinement.notConfined("the service's Redis user may"
                    + " not run ACL WHOAMI and ACL DRYRUN, so the connector cannot verify what scripts may do (grant"
                    + " +acl|whoami +acl|dryrun; redis-connector service acl " + target.service().clientId()
                    + " prints the whole line)"))
                    : dryRun(target, user, plan));
        }).whenComplete((verdict, failure) -> {
            if (verdict != null) {
                LOG.info("script confinement client={} confined={} problem={}", target.service().clientId(),
                        verdict.confined(), verdict.problem() == null ? "none" : verdict.problem());
            }
        });
    }

    /** The user name, or {@code null} when the user may not ask. */
    private CompletionStage<String> whoAmI(ExecutionTarget target) {
        return executor.execute(target, ClassifiedCommand.unclassified(command("ACL", "WHOAMI")), timeout)
                .handle((reply, failure) -> reply instanceof Reply.StringReply name ? name.text() : null);
    }

    private CompletionStage<ScriptConfinement> dryRun(ExecutionTarget target, String user, AclPlan plan) {
        List<AclPlan.Probe> probes = plan.probes();
        List<ClassifiedCommand> commands = new ArrayList<>(probes.size());
        for (AclPlan.Probe probe : probes) {
            List<byte[]> args = new ArrayList<>(probe.args().size() + 2);
            args.add(bytes("DRYRUN"));
            args.add(bytes(user));
            args.addAll(probe.args());
            commands.add(ClassifiedCommand.unclassified(new VerifiedCommand("ACL", args)));
        }
        return executor.executeAll(target, commands, timeout).thenCompose(outcomes -> {
            List<CompletableFuture<String>> replies = new ArrayList<>(outcomes.size());
            for (CompletionStage<Reply> outcome : outcomes) {
                replies.add(outcome.toCompletableFuture().handle((reply, failure) -> failure != null
                        ? "error: " + message(failure) : reply instanceof Reply.StringReply text ? text.text() : ""));
            }
            return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
                // whole commands first (FLUSHALL says more than CLUSTER ADDSLOTS), each group sorted
                Set<String> permitted = new TreeSet<>(Comparator.comparing((String name) -> name.contains(" "))
                        .thenComparing(Comparator.naturalOrder()));
                String unchecked = null;
                for (int i = 0; i < probes.size(); i++) {
                    String reply = replies.get(i).join();
                    if (reply.startsWith("error: ")) {
                        unchecked = unchecked != null ? unchecked : probes.get(i).label() + " (" + reply + ")";
                    } else if (!probes.get(i).refusedBy(reply)) {
                        permitted.add(probes.get(i).label().replace('|', ' '));
                    }
                }
                if (!permitted.isEmpty()) {
                    List<String> listed = new ArrayList<>(permitted).subList(0, Math.min(LISTED, permitted.size()));
                    return ScriptConfinement.notConfined("the Redis user '" + user + "' still permits "
                            + String.join(", ", listed) + (permitted.size() > LISTED ? " (and "
                            + (permitted.size() - LISTED) + " more)" : "") + " inside scripts, which the service's"
                            + " policy denies (redis-connector service acl " + target.service().clientId()
                            + " prints a matching ACL SETUSER line)");
                }
                if (unchecked != null) {
                    return ScriptConfinement.notConfined("the connector could not check " + unchecked);
                }
                return ScriptConfinement.CONFINED;
            });
        });
    }

    private static String message(Throwable failure) {
        Throwable cause = ConnectorException.unwrap(failure);
        return cause instanceof ConnectorException e ? e.getMessage() : cause.getClass().getSimpleName();
    }

    private static VerifiedCommand command(String name, String... args) {
        List<byte[]> values = new ArrayList<>();
        for (String arg : args) {
            values.add(bytes(arg));
        }
        return new VerifiedCommand(name, values);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The plan for a target, for printing the matching ACL line (loads the command table when needed). */
    public CompletionStage<AclPlan> plan(ExecutionTarget target) {
        return executor.catalog(target).thenApply((CommandCatalog catalog) -> new AclPlan(target.service(), catalog));
    }
}
