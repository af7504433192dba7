package dev.redisconnector.server.cli;

import dev.redisconnector.server.admin.AdminApi;
import dev.redisconnector.server.admin.AdminModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code session create|list|revoke}. */
@Command(name = "session", mixinStandardHelpOptions = true, description = "Issue, list and revoke session tokens.",
        subcommands = {SessionCommand.Create.class, SessionCommand.ListAll.class, SessionCommand.Revoke.class})
final class SessionCommand extends CommandGroup {

    abstract static class Sub extends CommandGroup.Member {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a session; prints its token once.")
    static final class Create extends Sub {
        @Option(names = "--user", required = true, description = "User id.")
        String userId;
        @Option(names = "--client", required = true, description = "Client id whose Redis service it reaches.")
        String clientId;
        @Option(names = "--ttl-seconds", description = "Lifetime (default RC_SESSION_TTL_SECONDS).")
        Long ttlSeconds;
        @Option(names = "--read-only", description = "Only read-only commands.")
        boolean readOnly;
        @Option(names = {"-q", "--quiet"}, description = "Print only the token (for scripts).")
        boolean quiet;

        @Override
        public Integer call() {
            AdminModel.SessionRequest body = new AdminModel.SessionRequest(userId, clientId, ttlSeconds, readOnly);
            if (quiet) {
                try (AdminApi admin = root().admin()) {
                    spec.commandLine().getOut().println(admin.createSession(body).token());
                    spec.commandLine().getOut().flush();
                    return ExitCodes.OK;
                }
            }
            return run(admin -> admin.createSession(body));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List sessions (never their tokens).")
    static final class ListAll extends Sub {
        @Option(names = "--client", description = "Only this client's sessions.")
        String clientId;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            return run(admin -> admin.listSessions(clientId, limit));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a session by id.")
    static final class Revoke extends Sub {
        @Parameters(index = "0", description = "Session id (from session list).")
        String sessionId;

        @Override
        public Integer call() {
            return run(admin -> admin.revokeSession(sessionId));
        }
    }
}
