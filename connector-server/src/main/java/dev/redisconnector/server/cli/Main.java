package dev.redisconnector.server.cli;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.execution.LettuceCommandExecutor;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.RegistryException;
import dev.redisconnector.server.ConnectorServer;
import dev.redisconnector.server.admin.AdminApi;
import dev.redisconnector.server.admin.AdminService;
import dev.redisconnector.server.admin.HttpAdminClient;
import dev.redisconnector.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code redis-connector}: runs the server and operates the registry, directly or through a running server's admin
 * API ({@code --server URL}, with {@code RC_ADMIN_TOKEN}).
 */
@Command(name = "redis-connector", mixinStandardHelpOptions = true, version = "redis-connector 0.1.0",
        description = "Runs a logged-in user's Redis command against their client's registered Redis service.",
        subcommands = {ServeCommand.class, ServiceCommand.class, CredentialsCommand.class, SessionCommand.class,
                ExecCommand.class, KeygenCommand.class, AuditCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the operation failed (not found, test failed, Redis error)",
                "2:bad usage or invalid input", "3:registry, server or Redis unreachable", "4:not authorized"})
public final class Main implements Callable<Integer> {

    @Option(names = "--config", description = "Config file (properties, same names as the environment variables).")
    Path configFile;

    @Option(names = "--server", description = "Operate through a running server's admin API at this URL instead of"
            + " the registry (admin token from RC_ADMIN_TOKEN).")
    String serverUrl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine line = new CommandLine(new Main());
        line.setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (failure instanceof RegistryException registry) {
                err.println("error: registry unavailable: " + registry.detail());
                return ExitCodes.UNAVAILABLE;
            }
            if (failure instanceof ConnectorException known) {
                err.println("error: " + known.code() + ": " + known.getMessage());
                return ExitCodes.forStatus(known.code().httpStatus());
            }
            if (failure instanceof IllegalArgumentException invalid) {
                err.println("error: " + invalid.getMessage());
                return ExitCodes.USAGE;
            }
            err.println("error: " + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
            return ExitCodes.FAILED;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    ServerConfig config() {
        return ServerConfig.load(System.getenv(), configFile);
    }

    /** Admin operations: through the server when {@code --server} is given, else on the registry directly. */
    AdminApi admin() {
        ServerConfig config = config();
        String url = serverUrl != null ? serverUrl : System.getenv("RC_SERVER");
        if (url != null && !url.isBlank()) {
            return new HttpAdminClient(url, config.adminToken());
        }
        Registry registry = ConnectorServer.openRegistry(config);
        LettuceCommandExecutor executor = new LettuceCommandExecutor(config.connectorOptions());
        AdminService service = new AdminService(registry, executor, config.defaultSessionTtl());
        return new AdminApi() {
            // direct mode: the same operations, closing the registry and Redis resources afterwards
            @Override public JsonObject putService(String c, JsonObject b) { return service.putService(c, b); }
            @Override public JsonObject getService(String c) { return service.getService(c); }
            @Override public JsonObject listServices() { return service.listServices(); }
            @Override public JsonObject deleteService(String c) { return service.deleteService(c); }
            @Override public JsonObject putCredentials(String c, JsonObject b) { return service.putCredentials(c, b); }
            @Override public JsonObject deleteCredentials(String c) { return service.deleteCredentials(c); }
            @Override public JsonObject reencryptCredentials() { return service.reencryptCredentials(); }
            @Override public JsonObject testConnection(String c) { return service.testConnection(c); }
            @Override public JsonObject acl(String c) { return service.acl(c); }
            @Override public JsonObject createSession(JsonObject b) { return service.createSession(b); }
            @Override public JsonObject listSessions(String c, int l) { return service.listSessions(c, l); }
            @Override public JsonObject revokeSession(String s) { return service.revokeSession(s); }
            @Override public JsonObject audit(String c, String u, String s, String t, String o, int l) {
                return service.audit(c, u, s, t, o, l);
            }

            @Override
            public void close() {
                executor.close();
                registry.close();
            }
        };
    }

    static void print(CommandLine.Model.CommandSpec spec, JsonObject json) {
        spec.commandLine().getOut().println(json.encodePrettily());
        spec.commandLine().getOut().flush();
    }
}
