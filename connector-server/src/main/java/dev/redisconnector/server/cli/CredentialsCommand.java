package dev.redisconnector.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code credentials set|delete|reencrypt}. Passwords come from stdin or a prompt, never from an argument. */
@Command(name = "credentials", mixinStandardHelpOptions = true, description = "Set or delete a service's credentials.",
        subcommands = {CredentialsCommand.Set.class, CredentialsCommand.Delete.class,
                CredentialsCommand.Reencrypt.class})
final class CredentialsCommand implements Callable<Integer> {

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
            return ((CredentialsCommand) parent).main;
        }
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
        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            if (none) {
                if (username != null) {
                    throw new IllegalArgumentException("--none takes no --username");
                }
                return run(admin -> admin.putCredentials(clientId, new JsonObject().put("kind", "none")));
            }
            String password = readPassword();
            JsonObject body = new JsonObject().put("kind", "password").put("password", password);
            if (username != null) {
                body.put("username", username);
            }
            return run(admin -> admin.putCredentials(clientId, body));
        }

        private String readPassword() throws IOException {
            Console console = System.console();
            if (!passwordStdin && console != null) {
                char[] typed = console.readPassword("Password for %s: ", clientId);
                if (typed == null || typed.length == 0) {
                    throw new IllegalArgumentException("no password given");
                }
                return new String(typed);
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
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
