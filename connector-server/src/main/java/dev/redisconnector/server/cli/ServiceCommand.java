package dev.redisconnector.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code service set|get|list|delete|test}. */
@Command(name = "service", mixinStandardHelpOptions = true, description = "Register and inspect clients' Redis services.",
        subcommands = {ServiceCommand.Set.class, ServiceCommand.Update.class, ServiceCommand.Import.class, ServiceCommand.Get.class,
                ServiceCommand.ListAll.class, ServiceCommand.Delete.class, ServiceCommand.Test.class,
                ServiceCommand.Acl.class})
final class ServiceCommand extends CommandGroup {

    abstract static class Sub extends CommandGroup.Member {
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Create or replace a client's service.")
    static final class Set extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;
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
        @Option(names = "--tls-ca-file", description = "PEM file of the CA certificates to trust for TLS.")
        Path caFile;
        @Option(names = "--policy", description = "read-write (default), read-only or custom.")
        String policy;
        @Option(names = "--allow", description = "Allow a command or @category (repeat); in custom mode only these run.")
        List<String> allow;
        @Option(names = "--deny", description = "Deny a command or @category (repeat).")
        List<String> deny;
        @Option(names = "--key-prefix", description = "Every key must start with one of these prefixes (repeat).")
        List<String> keyPrefixes;
        @Option(names = "--allow-scripting", description = "Let scripts and functions run (EVAL, FCALL, FUNCTION"
                + " LOAD) once the service's Redis user is verified to confine them; see `service acl`.")
        boolean allowScripting;
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
        public Integer call() throws IOException {
            JsonObject tlsSettings = new JsonObject().put("enabled", tls || caFile != null)
                    .put("verifyHostname", !noVerifyHostname);
            if (caFile != null) {
                tlsSettings.put("caCertificatePem", Files.readString(caFile));
            }
            boolean standalone = "standalone".equalsIgnoreCase(mode);
            JsonObject body = new JsonObject(map("mode", mode, "host", host, "port", standalone ? port : null,
                    "database", database, "tls", tlsSettings, "masterName", masterName,
                    "nodes", nodes == null ? null : new JsonArray(List.copyOf(nodes)),
                    "connectTimeoutMs", connectTimeoutMs, "commandTimeoutMs", commandTimeoutMs));
            if (policy != null || allow != null || deny != null || keyPrefixes != null || allowScripting) {
                body.put("policy", new JsonObject(map("mode", policy == null ? "read-write" : policy,
                        "allow", allow == null ? null : new JsonArray(List.copyOf(allow)),
                        "deny", deny == null ? null : new JsonArray(List.copyOf(deny)),
                        "keyPrefixes", keyPrefixes == null ? null
                                : new JsonArray(List.copyOf(keyPrefixes)),
                        "scripting", allowScripting)));
            }
            if (standalone && host == null) {
                throw new IllegalArgumentException("--host is required in standalone mode");
            }
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
            JsonObject body = new JsonObject().put("url", url.strip());
            if (noPassword) {
                body.put("noPassword", true);
            }
            if (caFile != null) {
                body.put("tlsCaCertificatePem", Files.readString(caFile));
            }
            return run(admin -> admin.putService(clientId, body));
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change some settings of a client's service and keep the rest (policy, timeouts, TLS,"
                    + " database); prints what changed.")
    static final class Update extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;
        @Option(names = "--policy", description = "read-write, read-only or custom.")
        String policy;
        @Option(names = "--allow", description = "Replace the allow rules (repeat); --allow '' clears them.")
        List<String> allow;
        @Option(names = "--deny", description = "Replace the deny rules (repeat); --deny '' clears them.")
        List<String> deny;
        @Option(names = "--key-prefix", description = "Replace the key prefixes (repeat); '' clears them.")
        List<String> keyPrefixes;
        @Option(names = "--scripting", negatable = true, description = "Turn scripting on or off (--no-scripting).")
        Boolean scripting;
        @Option(names = {"--database", "--db"}, description = "Database index.")
        Integer database;
        @Option(names = "--tls", negatable = true, description = "Connect with TLS, or not (--no-tls).")
        Boolean tls;
        @Option(names = "--tls-ca-file", description = "PEM file of the CA certificates to trust for TLS.")
        Path caFile;
        @Option(names = "--connect-timeout-ms", description = "Connect timeout.")
        Integer connectTimeoutMs;
        @Option(names = "--command-timeout-ms", description = "Command timeout.")
        Integer commandTimeoutMs;

        @Override
        public Integer call() throws IOException {
            JsonObject patch = new JsonObject();
            JsonObject policyPatch = new JsonObject(map("mode", policy, "allow", rules(allow), "deny", rules(deny),
                    "keyPrefixes", rules(keyPrefixes), "scripting", scripting));
            if (!policyPatch.isEmpty()) {
                patch.put("policy", policyPatch);
            }
            if (tls != null || caFile != null) {
                JsonObject tlsPatch = new JsonObject();
                if (tls != null) {
                    tlsPatch.put("enabled", tls);
                }
                if (caFile != null) {
                    tlsPatch.put("enabled", true).put("caCertificatePem", Files.readString(caFile));
                }
                patch.put("tls", tlsPatch);
            }
            patch.getMap().putAll(map("database", database, "connectTimeoutMs", connectTimeoutMs,
                    "commandTimeoutMs", commandTimeoutMs));
            if (patch.isEmpty()) {
                throw new IllegalArgumentException("nothing to change: give at least one option (see --help)");
            }
            return run(admin -> admin.patchService(clientId, patch));
        }

        private static JsonArray rules(List<String> values) {
            return values == null ? null : new JsonArray(values.stream().filter(v -> !v.isBlank()).toList());
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

    @Command(name = "acl", mixinStandardHelpOptions = true,
            description = "Print the ACL SETUSER line that confines the client's Redis user (and its scripts) to the"
                    + " service's policy, and whether the stored user is confined now.")
    static final class Acl extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;

        @Override
        public Integer call() {
            return run(admin -> admin.acl(clientId));
        }
    }
}
