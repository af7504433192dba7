package dev.redisconnector.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit --client acme --since 1h}: who ran which command, with its outcome; never argument values. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit trail, newest first (command names, key counts, outcomes; never values).")
final class AuditCommand extends AdminCommand {

    @Override
    Main root() {
        return (Main) parent;
    }

    @Option(names = "--client", description = "Only this client.")
    String clientId;
    @Option(names = "--user", description = "Only this user.")
    String userId;
    @Option(names = "--since", description = "From this long ago (90s, 15m, 1h, 7d) or an ISO-8601 instant.")
    String since;
    @Option(names = "--until", description = "Up to this long ago or this ISO-8601 instant.")
    String until;
    @Option(names = "--outcome", description = "Only this outcome: OK or an error code such as COMMAND_NOT_ALLOWED.")
    String outcome;
    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        return run(admin -> admin.audit(clientId, userId, since, until, outcome, limit));
    }
}
