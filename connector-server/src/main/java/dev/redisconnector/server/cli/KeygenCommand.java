package dev.redisconnector.server.cli;

import dev.redisconnector.registry.crypto.Keyring;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a new master key line. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Prints a new master key line (id=base64key) for RC_MASTER_KEY_FILE.")
final class KeygenCommand implements Callable<Integer> {

    @Option(names = "--id", defaultValue = "k1", description = "Key id (default ${DEFAULT-VALUE}).")
    String id;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Keyring.generateKeyLine(id));
        return ExitCodes.OK;
    }
}
