package dev.redisconnector.core.policy;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.Session;
import dev.redisconnector.core.command.CommandCatalog;
import dev.redisconnector.core.command.VerifiedCommand;
import dev.redisconnector.core.spi.RedisService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a service's Redis user must refuse so that scripts stay inside the service's policy, derived from the policy
 * and the server's own command table: the {@code ACL SETUSER} line that grants exactly what the policy allows, and
 * the {@code ACL DRYRUN} probes that check a user does not permit more inside a script. Immutable.
 *
 * <p>ACL key patterns do not narrow listings, and ACL cannot limit a command's database argument, so a confined user
 * is also denied {@code SELECT}, {@code MOVE}, {@code COPY} and {@code SWAPDB}, and under a key namespace
 * {@code KEYS}, {@code SCAN}, {@code RANDOMKEY} and {@code PUBSUB CHANNELS}: at the top level and in scripts alike.
 */
public final class AclPlan {

    /** What the connector itself runs on a service's connections; always granted by the printed line. */
    static final Set<String> CONNECTOR_NEEDS = Set.of("HELLO", "AUTH", "PING", "COMMAND", "CLIENT|SETNAME",
            "CLIENT|SETINFO", "ACL|WHOAMI", "ACL|DRYRUN", "SCRIPT|KILL", "FUNCTION|KILL", "CLUSTER|SLOTS",
            "CLUSTER|NODES", "CLUSTER|SHARDS", "CLUSTER|MYID", "CLUSTER|INFO");

    /** Reach other databases through an argument ACL cannot limit. */
    static final Set<String> DATABASE_ESCAPES = Set.of("SELECT", "MOVE", "COPY", "SWAPDB", "MIGRATE");

    /** List names whatever the user's key patterns are. */
    static final Set<String> NAMESPACE_ESCAPES = Set.of("KEYS", "SCAN", "RANDOMKEY", "DBSIZE", "PUBSUB|CHANNELS",
            "PUBSUB|SHARDCHANNELS", "PUBSUB|NUMPAT");

    /** Never needed through the connector: they end or take over a connection. */
    static final Set<String> TAKE_OVER = Set.of("RESET", "QUIT", "MONITOR", "SYNC", "PSYNC", "REPLCONF", "READONLY",
            "READWRITE");

    private static final String PROBE_SUFFIX = "rc-acl-probe";
    private static final String OUTSIDE = "rc-outside-namespace-probe";

    private final RedisService service;
    private final CommandCatalog catalog;
    private final Map<String, Boolean> permitted = new TreeMap<>();
    private final Set<String> containers = new TreeSet<>();

    /** Plans for {@code service}'s policy on a server with {@code catalog}. */
    public AclPlan(RedisService service, CommandCatalog catalog) {
        this.service = service;
        this.catalog = catalog;
        // commands are judged with scripting on and without the namespace: the ACL's key patterns cover keys
        ServicePolicy policy = service.policy();
        RedisService judged = new RedisService(service.clientId(), service.serviceId(), service.version(),
                service.host(), service.port(), 0, service.tls(), service.connectTimeout(), service.commandTimeout(),
                service.mode(), service.masterName(), service.nodes(), new ServicePolicy(policy.mode(), policy.allow(),
                policy.deny(), List.of(), true));
        PolicyEnforcer enforcer = new PolicyEnforcer();
        Session session = new Session(new Session.User("acl-plan", service.clientId()), Instant.MAX, false);
        for (CommandCatalog.CommandSpec spec : catalog.specs()) {
            String name = spec.name();
            if (catalog.hasSubcommands(name)) {
                containers.add(name);
                continue;
            }
            permitted.put(name, CONNECTOR_NEEDS.contains(name) || permittedAtTopLevel(enforcer, session, judged, spec));
        }
    }

    private boolean permittedAtTopLevel(PolicyEnforcer enforcer, Session session, RedisService judged,
                                        CommandCatalog.CommandSpec spec) {
        String name = spec.name();
        if (DATABASE_ESCAPES.contains(name) || !service.policy().keyPrefixes().isEmpty()
                && NAMESPACE_ESCAPES.contains(name)) {
            return false;
        }
        if (TAKE_OVER.contains(name) || name.startsWith("CLIENT|")) {
            return false;
        }
        try {
            enforcer.apply(session, judged, catalog.classify(sample(spec, "0")), ScriptConfinement.CONFINED);
            return true;
        } catch (ConnectorException refused) {
            return false;
        }
    }

    /** A well-formed call of the command: its subcommand, then as many arguments as its arity asks. */
    static VerifiedCommand sample(CommandCatalog.CommandSpec spec, String filler) {
        String name = spec.name();
        int bar = name.indexOf('|');
        List<byte[]> args = new ArrayList<>();
        if (bar > 0) {
            args.add(name.substring(bar + 1).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        }
        int total = Math.abs(spec.arity()) - 1 - (bar > 0 ? 1 : 0);
        for (int i = 0; i < total; i++) {
            args.add(filler.getBytes(StandardCharsets.UTF_8));
        }
        return new VerifiedCommand(bar > 0 ? name.substring(0, bar) : name, args);
    }

    private String probeKey() {
        List<String> prefixes = service.policy().keyPrefixes();
        return (prefixes.isEmpty() ? "" : prefixes.getFirst()) + PROBE_SUFFIX;
    }

    /** Why scripts cannot be confined whatever the ACL says, or {@code null}. */
    public String impossibility() {
        if (service.database() != 0) {
            return "the service uses database " + service.database() + ", and a Redis user cannot be limited to one"
                    + " database other than 0 (ACL can only deny SELECT altogether); register the service on database"
                    + " 0 of its own Redis, or use key prefixes";
        }
        if (catalog.size() == 0) {
            return "the service's Redis user may not run COMMAND, so the connector cannot tell what the policy covers"
                    + " (grant +command)";
        }
        return null;
    }

    /**
     * One {@code ACL DRYRUN} check: the arguments after the user name, and whether the refusal it expects is of the
     * command ({@code "no permissions to run"}) or of a key or channel ({@code "no permissions to access"}).
     */
    public record Probe(String label, List<byte[]> args, boolean commandRefusal) {

        /** Whether {@code dryRunReply} (the reply's text) is the refusal this probe expects. */
        public boolean refusedBy(String dryRunReply) {
            return dryRunReply.contains(commandRefusal ? "no permissions to run" : "no permissions to access");
        }
    }

    /**
     * The checks a confining user passes: every script-callable command the policy refuses is refused, and under a
     * key namespace a key and a channel outside it are refused.
     */
    public List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        boolean readOnly = service.policy().mode() == ServicePolicy.Mode.READ_ONLY;
        for (CommandCatalog.CommandSpec spec : catalog.specs()) {
            Boolean allowed = permitted.get(spec.name());
            // read-only policies run only read-only scripts, in which Redis itself refuses every write
            if (allowed == null || allowed || !spec.scriptCallable() || readOnly && spec.writes()) {
                continue;
            }
            VerifiedCommand sample = sample(spec, probeKey());
            List<byte[]> args = new ArrayList<>();
            args.add(sample.name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            args.addAll(sample.args());
            probes.add(new Probe(spec.name(), args, true));
        }
        if (!service.policy().keyPrefixes().isEmpty()) {
            probes.add(new Probe("keys outside " + ScopeRules.namespace(service.policy().keyPrefixes()),
                    List.of(bytes("get"), bytes(OUTSIDE)), false));
            if (!readOnly) {
                probes.add(new Probe("keys outside " + ScopeRules.namespace(service.policy().keyPrefixes()),
                        List.of(bytes("set"), bytes(OUTSIDE), bytes("v")), false));
            }
            if (Boolean.TRUE.equals(permitted.get("PUBLISH"))) {
                probes.add(new Probe("channels outside " + ScopeRules.namespace(service.policy().keyPrefixes()),
                        List.of(bytes("publish"), bytes(OUTSIDE), bytes("v")), false));
            }
        }
        return probes;
    }

    /**
     * The {@code ACL SETUSER} line for {@code user} that grants what the policy allows and nothing a script could
     * use to leave it. {@code PASSWORD} stands for the password the operator chooses.
     */
    public String setUserLine(String user) {
        StringBuilder line = new StringBuilder("ACL SETUSER ").append(user).append(" reset on >PASSWORD");
        List<String> prefixes = service.policy().keyPrefixes();
        if (prefixes.isEmpty()) {
            line.append(" ~* &*");
        } else {
            line.append(" resetkeys");
            for (String prefix : prefixes) {
                line.append(" ~").append(ScopeRules.escapeGlob(prefix)).append('*');
            }
            line.append(" resetchannels");
            for (String prefix : prefixes) {
                line.append(" &").append(ScopeRules.escapeGlob(prefix)).append('*');
            }
        }
        line.append(" -@all");
        Set<String> grantedContainers = new TreeSet<>();
        for (String container : containers) {
            boolean all = true;
            boolean any = false;
            for (Map.Entry<String, Boolean> entry : permitted.entrySet()) {
                if (entry.getKey().startsWith(container + "|")) {
                    all &= entry.getValue();
                    any = true;
                }
            }
            if (any && all) {
                grantedContainers.add(container);
                line.append(" +").append(container.toLowerCase(Locale.ROOT));
            }
        }
        for (Map.Entry<String, Boolean> entry : permitted.entrySet()) {
            String name = entry.getKey();
            int bar = name.indexOf('|');
            if (entry.getValue() && (bar < 0 || !grantedContainers.contains(name.substring(0, bar)))) {
                line.append(" +").append(name.toLowerCase(Locale.ROOT));
            }
        }
        return line.toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
