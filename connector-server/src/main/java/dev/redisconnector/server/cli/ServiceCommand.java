package dev.redisconnector.server.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code service set|get|list|delete|test}. */
@Command(name = "service", mixinStandardHelpOptions = true, description = "Register and inspect clients' Redis services.",
        subcommands = {ServiceCommand.Set.class, ServiceCommand.Get.class, ServiceCommand.ListAll.class,
                ServiceCommand.Delete.class, ServiceCommand.Test.class})
final class ServiceCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    abstract static class Sub extends AdminCommand {
        @Override
        Main root() {
            return ((ServiceCommand) parent).main;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Create or replace a client's service.")
    static final class Set extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;
        @Option(names = "--host", required = true, description = "Redis host name or address.")
        String host;
        @Option(names = "--port", defaultValue = "6379", description = "Port (default ${DEFAULT-VALUE}).")
        int port;
        @Option(names = {"--database", "--db"}, defaultValue = "0", description = "Database index.")
        int database;
        @Option(names = "--tls", description = "Connect with TLS.")
        boolean tls;
        @Option(names = "--no-verify-hostname", description = "With TLS, do not check the certificate's host name.")
        boolean noVerifyHostname;
        @Option(names = "--connect-timeout-ms", description = "Connect timeout.")
        Integer connectTimeoutMs;
        @Option(names = "--command-timeout-ms", description = "Command timeout.")
        Integer commandTimeoutMs;

        @Override
        public Integer call() {
            JsonObject body = new JsonObject(map("host", host, "port", port, "database", database,
                    "tls", new JsonObject().put("enabled", tls).put("verifyHostname", !noVerifyHostname),
                    "connectTimeoutMs", connectTimeoutMs, "commandTimeoutMs", commandTimeoutMs));
            return run(admin -> admin.putService(clientId, body));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a client's service (never a password).")
    static final class Get extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;

        @Override
        public Integer call() {
            return run(admin -> admin.getService(clientId));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every registered service.")
    static final class ListAll extends Sub {
        @Override
        public Integer call() {
            return run(admin -> admin.listServices());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a client's service and credentials.")
    static final class Delete extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;

        @Override
        public Integer call() {
            return run(admin -> admin.deleteService(clientId));
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Connect to a client's service with its credentials: PING, version, role.")
    static final class Test extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;

        @Override
        public Integer call() {
            return run(admin -> admin.testConnection(clientId));
        }
    }
}
