package dev.redisconnector.server.cli;

import dev.redisconnector.server.admin.AdminModel;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code credentials set|delete|reencrypt}. Passwords come from stdin or a prompt, never from an argument. */
@Command(name = "credentials", mixinStandardHelpOptions = true, description = "Set or delete a service's credentials.",
        subcommands = {CredentialsCommand.Set.class, CredentialsCommand.Delete.class,
                CredentialsCommand.Reencrypt.class})
final class CredentialsCommand extends CommandGroup {

    abstract static class Sub extends CommandGroup.Member {
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Store a password (read from stdin or a prompt) or --none for a service without one.")
    static final class Set extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;
        @Option(names = "--username", description = "ACL username (default user when omitted).")
        String username;
        @Option(names = "--none", description = "The service needs no password.")
        boolean none;
        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin (and, with"
                + " --sentinel-auth, the sentinels' password from the second).")
        boolean passwordStdin;
        @Option(names = "--sentinel-auth", description = "The sentinels need a password too (read after the"
                + " service's password).")
        boolean sentinelAuth;
        @Option(names = "--sentinel-username", description = "The sentinels' ACL username.")
        String sentinelUsername;
        @Option(names = "--tls-client-cert", description = "PEM file of the TLS client certificate (mutual TLS).")
        Path clientCert;
        @Option(names = "--tls-client-key", description = "PKCS#8 PEM file of its private key.")
        Path clientKey;

        @Override
        public Integer call() throws IOException {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String password = null;
            if (none) {
                if (username != null) {
                    throw new IllegalArgumentException("--none takes no --username");
                }
            } else {
                password = readSecret(stdin, "Password for " + clientId);
            }
            AdminModel.SentinelAuth sentinel = sentinelAuth || sentinelUsername != null
                    ? new AdminModel.SentinelAuth(sentinelUsername, readSecret(stdin, "Sentinel password")) : null;
            AdminModel.TlsClient tlsClient = null;
            if (clientCert != null || clientKey != null) {
                if (clientCert == null || clientKey == null) {
                    throw new IllegalArgumentException("--tls-client-cert and --tls-client-key go together");
                }
                tlsClient = new AdminModel.TlsClient(Files.readString(clientCert), Files.readString(clientKey));
            }
            AdminModel.CredentialsRequest body = new AdminModel.CredentialsRequest(none ? "none" : "password",
                    none ? null : username, password, sentinel, tlsClient);
            return run(admin -> admin.putCredentials(clientId, body));
        }

        private String readSecret(BufferedReader stdin, String prompt) throws IOException {
            Console console = System.console();
            if (!passwordStdin && console != null) {
                char[] typed = console.readPassword("%s: ", prompt);
                if (typed == null || typed.length == 0) {
                    throw new IllegalArgumentException("no password given");
                }
                return new String(typed);
            }
            String line = stdin.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("no password on stdin (pipe it in, or use --none)");
            }
            return line;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a service's credentials.")
    static final class Delete extends Sub {
        @Parameters(index = "0", description = "Client id.")
        String clientId;

        @Override
        public Integer call() {
            return run(admin -> admin.deleteCredentials(clientId));
        }
    }

    @Command(name = "reencrypt", mixinStandardHelpOptions = true,
            description = "Re-encrypt every stored password with the current write key (after key rotation).")
    static final class Reencrypt extends Sub {
        @Override
        public Integer call() {
            return run(admin -> admin.reencryptCredentials());
        }
    }
}
