package dev.redisconnector.server.cli;

import dev.redisconnector.server.admin.AdminApi;
import dev.redisconnector.server.admin.AdminModel;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ParentCommand;

/** Base of subcommands that operate the registry. */
abstract class AdminCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract Main root();

    /** Runs an admin action and prints its JSON. */
    int run(Function<AdminApi, Object> action) {
        try (AdminApi admin = root().admin()) {
            Object result = action.apply(admin);
            Main.print(spec, result);
            return result instanceof AdminModel.ConnectionTest test && Boolean.FALSE.equals(test.ok())
                    ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    @ParentCommand
    Object parent;
}
