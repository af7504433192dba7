package dev.redisconnector.server.cli;

import dev.redisconnector.server.admin.AdminApi;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

/** Base of subcommands that operate the registry. */
abstract class AdminCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract Main root();

    /** Runs an admin action and prints its JSON. */
    int run(Function<AdminApi, JsonObject> action) {
        try (AdminApi admin = root().admin()) {
            JsonObject result = action.apply(admin);
            Main.print(spec, result);
            return Boolean.FALSE.equals(result.getValue("ok")) ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                out.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return out;
    }

    @ParentCommand
    Object parent;
}
