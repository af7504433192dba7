package dev.redisconnector.core.policy;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.spi.CommandPolicy;
import dev.redisconnector.core.spi.RedisService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies each service's {@link ServicePolicy} (and read-only sessions) using the server's command table. Denials
 * are {@code COMMAND_NOT_ALLOWED} naming the rule. Stateless and thread-safe.
 */
public final class PolicyEnforcer implements CommandPolicy {

    @Override
    public void check(Session session, RedisService service, ClassifiedCommand command) {
        apply(session, service, command, ScriptConfinement.NOT_VERIFIED);
    }

    /**
     * Checks the command and returns what to send: the command itself, or a listing narrowed to the service's key
     * namespace (a {@code SCAN} without {@code MATCH} gets the namespace as its {@code MATCH}).
     */
    @Override
    public ClassifiedCommand apply(Session session, RedisService service, ClassifiedCommand classified,
                                   ScriptConfinement scripts) {
        VerifiedCommand command = classified.command();
        Optional<CommandCatalog.CommandSpec> found = classified.found();
        checkRules(session, service, command, found);
        ServicePolicy policy = service.policy();
        String client = service.clientId();
        String qualified = Scripts.qualifiedName(command);
        try {
            if (Scripts.serverWide(qualified) && !policy.allow().contains(qualified)
                    && !policy.allow().contains(command.name())) {
                throw new ScopeRules.Refusal(qualified.replace('|', ' ') + " changes what every tenant of the Redis"
                        + " server shares (its scripts, functions or running script), so it is denied unless the"
                        + " operator allows " + qualified + " by name");
            }
            ScopeRules.checkDatabase(command, service.database());
            if (Scripts.runsOrLoadsCode(qualified)) {
                if (!policy.scripting()) {
                    throw new ScopeRules.Refusal("the connector cannot see what a script does, so scripts and functions"
                            + " run only when the operator turns scripting on for the service and its Redis user"
                            + " confines scripts to the service's policy (redis-connector service acl " + client
                            + ")");
                }
                if (!scripts.confined()) {
                    throw new ScopeRules.Refusal("scripting is on, but " + scripts.problem());
                }
            }
            VerifiedCommand confined = policy.keyPrefixes().isEmpty() ? command
                    : ScopeRules.confineToNamespace(command, qualified, policy.keyPrefixes());
            if (!policy.keyPrefixes().isEmpty() && !ScopeRules.KEYS_FOUND_HERE.contains(command.name())) {
                checkNamespace(classified, policy.keyPrefixes(), client);
            }
            return classified.with(confined);
        } catch (ScopeRules.Refusal refusal) {
            throw refused(command, client, refusal.getMessage());
        }
    }

    /** The rules by command, category and mode: deny, read-only, custom allow, default deny. */
    private void checkRules(Session session, RedisService service, VerifiedCommand command,
                            Optional<CommandCatalog.CommandSpec> found) {
        ServicePolicy policy = service.policy();
        String name = found.map(CommandCatalog.CommandSpec::name).orElse(command.name());
        Set<String> categories = found.map(CommandCatalog.CommandSpec::categories).orElse(Set.of());
        String client = service.clientId();

        String denyRule = firstMatch(policy.deny(), command.name(), name, categories);
        if (denyRule != null) {
            throw refused(command, client, "denied by the service's rule 'deny " + denyRule + "'");
        }
        String allowRule = firstMatch(policy.allow(), command.name(), name, categories);
        boolean readOnly = session.readOnly() || policy.mode() == ServicePolicy.Mode.READ_ONLY;
        if (readOnly && !readsOnly(command, found)) {
            throw refused(command, client, found.isEmpty()
                    ? "it is not in the server's command table, and " + (session.readOnly() ? "the session"
                    : "the service's policy") + " is read-only"
                    : "it is not a read-only command and " + (session.readOnly() ? "the session is" : "the service's"
                    + " policy is") + " read-only");
        }
        if (policy.mode() == ServicePolicy.Mode.CUSTOM && allowRule == null) {
            throw refused(command, client, "the service's custom policy allows only " + String.join(", ",
                    policy.allow()));
        }
        if (allowRule == null) {
            for (String category : ServicePolicy.DENIED_BY_DEFAULT) {
                if (categories.contains(category)) {
                    throw refused(command, client, category + " commands are denied unless the operator allows"
                            + " them (rule: default deny " + category + "; allow " + command.name() + " or " + category
                            + " in the service's policy)");
                }
            }
        }
    }

    /** Refuses anything but read-only commands (read-only sessions, whatever the policy). */
    public static void requireReadOnly(Session session, RedisService service, ClassifiedCommand classified) {
        VerifiedCommand command = classified.command();
        Optional<CommandCatalog.CommandSpec> found = classified.found();
        if (!readsOnly(command, found)) {
            throw refused(command, service.clientId(), (found.isEmpty() ? "it is not in the server's command table"
                    : "it is not a read-only command") + " and the session is read-only");
        }
    }

    /** Subscriptions (they only receive), and what the server flags read-only or {@code @connection}. */
    private static boolean readsOnly(VerifiedCommand command, Optional<CommandCatalog.CommandSpec> found) {
        return SUBSCRIPTIONS.contains(command.name())
                || found.isPresent() && (found.get().readOnly() || found.get().categories().contains("@connection"));
    }

    private static final Set<String> SUBSCRIPTIONS = Set.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE");

    private static String firstMatch(Set<String> rules, String commandName, String specName, Set<String> categories) {
        if (rules.contains(commandName)) {
            return commandName;
        }
        if (rules.contains(specName)) {
            return specName;
        }
        for (String category : categories) {
            if (rules.contains(category)) {
                return category;
            }
        }
        return null;
    }

    private static void checkNamespace(ClassifiedCommand classified, List<String> prefixes, String client) {
        VerifiedCommand command = classified.command();
        if (classified.spec() == null) {
            throw refused(command, client, "it is not in the server's command table, so its keys cannot be checked"
                    + " against the service's key namespace");
        }
        if (SUBSCRIPTIONS.contains(command.name())) {
            for (byte[] channel : command.args()) {
                requirePrefix(command, channel, prefixes, client, command.name().equals("PSUBSCRIBE") ? "pattern"
                        : "channel");
            }
            return;
        }
        if (command.name().equals("PUBLISH") || command.name().equals("SPUBLISH")) {
            if (!command.args().isEmpty()) {
                requirePrefix(command, command.args().getFirst(), prefixes, client, "channel");
            }
            return;
        }
        Optional<List<byte[]>> keys = classified.keys();
        if (keys.isEmpty()) {
            throw refused(command, client, "its keys cannot be determined, so they cannot be checked against the"
                    + " service's key namespace");
        }
        for (byte[] key : keys.get()) {
            requirePrefix(command, key, prefixes, client, "key");
        }
    }

    private static void requirePrefix(VerifiedCommand command, byte[] key, List<String> prefixes, String client,
                                      String what) {
        String text = new String(key, StandardCharsets.UTF_8);
        for (String prefix : prefixes) {
            if (text.startsWith(prefix)) {
                return;
            }
        }
        throw refused(command, client, "the " + what + " '" + ScopeRules.printable(text) + "' is outside the service's"
                + " key namespace (" + ScopeRules.namespace(prefixes) + ")");
    }

    private static ConnectorException refused(VerifiedCommand command, String client, String reason) {
        return new ConnectorException(ErrorCode.COMMAND_NOT_ALLOWED, command.name() + " is not allowed for client '"
                + client + "': " + reason + ".");
    }
}
