package dev.redisconnector.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redisconnector.server.admin.AdminApi;
import dev.redisconnector.server.admin.AdminJson;
import dev.redisconnector.server.admin.AdminModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code service set|get|list|delete|test}. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Register and inspect clients' Redis services.",
        subcommands = {ServiceCommand.Set.class, ServiceCommand.Update.class, ServiceCommand.Import.class,
                ServiceCommand.Get.class, ServiceCommand.ListAll.class, ServiceCommand.Delete.class,
                ServiceCommand.Test.class, ServiceCommand.Acl.class})
final class ServiceCommand extends CommandGroup {

    abstract static class Sub extends CommandGroup.Member {
    }

    /** A subcommand that runs one admin action on one client. */
    abstract static class OnClient extends Sub {
        private final BiFunction<AdminApi, String, Object> action;
        @Parameters(index = "0", description = "Client id.")
        String clientId;

        OnClient(BiFunction<AdminApi, String, Object> action) {
            this.action = action;
        }

        @Override
        public Integer call() {
            return run(admin -> action.apply(admin, clientId));
        }
    }

    /** The options {@code set} and {@code update} share; absent ones stay {@code null}. */
    static final class Common {
        @Option(names = "--policy", description = "read-write (default), read-only or custom.")
        String policy;
        @Option(names = "--allow", description = "Allow a command or @category (repeat); in custom mode only these"
                + " run. With update it replaces the rules; '' clears them.")
        List<String> allow;
        @Option(names = "--deny", description = "Deny a command or @category (repeat). With update it replaces the"
                + " rules; '' clears them.")
        List<String> deny;
        @Option(names = "--key-prefix", description = "Every key must start with one of these prefixes (repeat)."
                + " With update it replaces them; '' clears them.")
        List<String> keyPrefixes;
        @Option(names = {"--database", "--db"}, description = "Database index (set: default 0).")
        Long database;
        @Option(names = "--tls-ca-file", description = "PEM file of the CA certificates to trust for TLS.")
        Path caFile;
        @Option(names = "--connect-timeout-ms", description = "Connect timeout.")
        Long connectTimeoutMs;
        @Option(names = "--command-timeout-ms", description = "Command timeout.")
        Long commandTimeoutMs;

        String caPem() throws IOException {
            return caFile == null ? null : Files.readString(caFile);
        }

        /** The rules as given, blanks dropped ('' clears), or {@code null} when the option was not given. */
        static List<String> rules(List<String> values) {
            return values == null ? null : values.stream().filter(v -> !v.isBlank()).toList();
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Create or replace a client's service.")
    static final class Set extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;
        @Mixin
        Common common;
        @Option(names = "--mode", defaultValue = "standalone",
                description = "standalone (default), sentinel or cluster.")
        String mode;
        @Option(names = "--host", description = "Redis host name or address (standalone).")
        String host;
        @Option(names = "--node", description = "host:port of a sentinel (sentinel mode) or seed node (cluster mode);"
                + " repeat for each.")
        List<String> nodes;
        @Option(names = "--master-name", description = "The master's name as the sentinels know it (sentinel mode).")
        String masterName;
        @Option(names = "--allow-scripting", description = "Let scripts and functions run (EVAL, FCALL, FUNCTION"
                + " LOAD) once the service's Redis user is verified to confine them; see `service acl`.")
        boolean allowScripting;
        @Option(names = "--port", defaultValue = "6379", description = "Port (default ${DEFAULT-VALUE}).")
        long port;
        @Option(names = "--tls", description = "Connect with TLS.")
        boolean tls;
        @Option(names = "--no-verify-hostname", description = "With TLS, do not check the certificate's host name.")
        boolean noVerifyHostname;

        @Override
        public Integer call() throws IOException {
            boolean standalone = "standalone".equalsIgnoreCase(mode);
            if (standalone && host == null) {
                throw new IllegalArgumentException("--host is required in standalone mode");
            }
            AdminModel.Policy policy = common.policy != null || common.allow != null || common.deny != null
                    || common.keyPrefixes != null || allowScripting
                    ? new AdminModel.Policy(common.policy == null ? "read-write" : common.policy, common.allow,
                    common.deny, common.keyPrefixes, allowScripting) : null;
            AdminModel.ServiceRequest body = new AdminModel.ServiceRequest(mode, host, standalone ? port : null,
                    common.database == null ? 0 : common.database,
                    new AdminModel.Tls(tls || common.caFile != null, !noVerifyHostname, common.caPem()),
                    common.connectTimeoutMs, common.commandTimeoutMs, masterName, nodes, policy, null, null, null);
            return run(admin -> admin.putService(clientId, body));
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Register a service from a redis:// or rediss:// URL read from stdin (it may hold a"
                    + " password, so never as an argument); its credentials are stored apart, encrypted.")
    static final class Import extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;
        @Option(names = "--no-password", description = "The URL has no password: store credentials of kind none.")
        boolean noPassword;
        @Option(names = "--tls-ca-file", description = "PEM file of the CA certificates to trust (rediss:// URLs).")
        Path caFile;

        @Override
        public Integer call() throws IOException {
            String url = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("no URL on stdin");
            }
            AdminModel.ServiceRequest body = AdminModel.ServiceRequest.ofUrl(url.strip(), noPassword,
                    caFile == null ? null : Files.readString(caFile));
            return run(admin -> admin.putService(clientId, body));
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change some settings of a client's service and keep the rest (policy, timeouts, TLS,"
                    + " database); prints what changed.")
    static final class Update extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;
        @Mixin
        Common common;
        @Option(names = "--scripting", negatable = true, description = "Turn scripting on or off (--no-scripting).")
        Boolean scripting;
        @Option(names = "--tls", negatable = true, description = "Connect with TLS, or not (--no-tls).")
        Boolean tls;

        @Override
        public Integer call() throws IOException {
            ObjectNode patch = AdminJson.MAPPER.createObjectNode();
            ObjectNode policyPatch = AdminJson.tree(new AdminModel.Policy(common.policy, Common.rules(common.allow),
                    Common.rules(common.deny), Common.rules(common.keyPrefixes), scripting));
            if (!policyPatch.isEmpty()) {
                patch.set("policy", policyPatch);
            }
            if (tls != null || common.caFile != null) {
                patch.set("tls", AdminJson.tree(new AdminModel.Tls(common.caFile != null ? Boolean.TRUE : tls, null,
                        common.caPem())));
            }
            if (common.database != null) {
                patch.put("database", common.database);
            }
            if (common.connectTimeoutMs != null) {
                patch.put("connectTimeoutMs", common.connectTimeoutMs);
            }
            if (common.commandTimeoutMs != null) {
                patch.put("commandTimeoutMs", common.commandTimeoutMs);
            }
            if (patch.isEmpty()) {
                throw new IllegalArgumentException("nothing to change: give at least one option (see --help)");
            }
            return run(admin -> admin.patchService(clientId, patch));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a client's service (never a password).")
    static final class Get extends OnClient {
        Get() {
            super(AdminApi::getService);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every registered service.")
    static final class ListAll extends Sub {
        @Override
        public Integer call() {
            return run(admin -> admin.listServices());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a client's service and credentials.")
    static final class Delete extends OnClient {
        Delete() {
            super(AdminApi::deleteService);
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Connect to a client's service with its credentials: PING, version, role.")
    static final class Test extends OnClient {
        Test() {
            super(AdminApi::testConnection);
        }
    }

    @Command(name = "acl", mixinStandardHelpOptions = true,
            description = "Print the ACL SETUSER line that confines the client's Redis user (and its scripts) to the"
                    + " service's policy, and whether the stored user is confined now.")
    static final class Acl extends OnClient {
        Acl() {
            super(AdminApi::acl);
        }
    }
}
