package dev.redisconnector.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.core.execution.LettuceExecutors;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.RegistryException;
import dev.redisconnector.server.ConnectorServer;
import dev.redisconnector.server.admin.AdminApi;
import dev.redisconnector.server.admin.AdminJson;
import dev.redisconnector.server.admin.AdminService;
import dev.redisconnector.server.admin.HttpAdminClient;
import dev.redisconnector.server.config.ServerConfig;
import dev.redisconnector.server.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

    @Option(names = "--config", scope = CommandLine.ScopeType.INHERIT,
            description = "Config file (properties, same names as the environment variables).")
    Path configFile;

    @Option(names = "--server", scope = CommandLine.ScopeType.INHERIT,
            description = "Operate through a running server's admin API at this URL (e.g. http://127.0.0.1:8080)"
                    + " instead of the registry (admin token from RC_ADMIN_TOKEN); default RC_SERVER.")
    String serverUrl;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "Print JSON (the default when the output is not a terminal); at a terminal, tables.")
    boolean json;

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
            if (failure instanceof NoSuchFileException missing) {
                err.println("error: no such file: " + missing.getFile());
                return ExitCodes.USAGE;
            }
            if (failure instanceof AccessDeniedException denied) {
                err.println("error: cannot read " + denied.getFile() + ": permission denied");
                return ExitCodes.USAGE;
            }
            if (failure instanceof IOException io) {
                err.println("error: " + (io.getMessage() == null ? "input or output failed" : io.getMessage()));
                return ExitCodes.FAILED;
            }
            // no class names for people: the message, or what to do
            err.println("error: " + (failure.getMessage() == null ? "an unexpected failure; run with"
                    + " RC_LOG_LEVEL=DEBUG for details" : failure.getMessage()));
            return ExitCodes.FAILED;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    /** The settings, read (environment and config file) and checked once per command line. */
    ServerConfig config() {
        if (config == null) {
            config = ServerConfig.load(System.getenv(), configFile);
        }
        return config;
    }

    private ServerConfig config;

    /** The server URL from {@code --server} or {@code RC_SERVER}, checked; {@code null} when neither is set. */
    String serverUrl() {
        String url = serverUrl != null ? serverUrl : config().get(Settings.SERVER);
        if (url == null || url.isBlank()) {
            return null;
        }
        if (!url.strip().matches("(?i)https?://[^/\\s]+.*")) {
            throw new IllegalArgumentException("--server needs a URL with its scheme, e.g. http://" + url.strip()
                    + " (got '" + url.strip() + "')");
        }
        return url.strip();
    }

    /** Admin operations: through the server when {@code --server} is given, else on the registry directly. */
    AdminApi admin() {
        ServerConfig config = config();
        String url = serverUrl();
        if (url != null) {
            if (config.adminToken() == null) {
                throw new IllegalArgumentException("--server needs the server's admin token: set RC_ADMIN_TOKEN");
            }
            return new HttpAdminClient(url, config.adminToken());
        }
        requireRegistry(config);
        Registry registry = ConnectorServer.openRegistry(config);
        ConnectorServer.transport(config.transport()); // the Redis client's transport, chosen as the server's is
        CommandExecutor executor = LettuceExecutors.create(config.connectorOptions());
        // direct mode: the same operations on the registry, which (with the executor) closes afterwards
        return new AdminService(registry, executor, config.defaultSessionTtl(), registry, executor);
    }

    /**
     * Direct mode never creates a registry: with nothing configured (no {@code --config}, {@code RC_CONFIG_FILE},
     * {@code RC_DATA_DIR} or {@code RC_REGISTRY_URL}) the embedded registry must already exist, else the user is
     * told which one would be used and how to reach a server instead.
     */
    private void requireRegistry(ServerConfig config) {
        boolean explicit = config.isSet("RC_CONFIG_FILE") || config.isSet(Settings.DATA_DIR.name())
                || config.isSet(Settings.REGISTRY_URL.name());
        Path registryFile = config.dataDir().resolve("registry.mv.db");
        if (!explicit && config.get(Settings.REGISTRY_URL).isEmpty() && !Files.exists(registryFile)) {
            throw new IllegalArgumentException("there is no registry here: without --server the CLI works on the"
                    + " embedded registry in " + config.dataDir().toAbsolutePath() + ", which does not exist (a server"
                    + " creates it when it first starts). Point at a running server with --server"
                    + " http://HOST:8080 and RC_ADMIN_TOKEN, or at the server's registry with RC_DATA_DIR,"
                    + " RC_REGISTRY_URL or --config FILE");
        }
    }

    /** JSON for scripts ({@code --json}, or output that is not a terminal); tables and lines for people. */
    static void print(CommandLine.Model.CommandSpec spec, Object result) {
        boolean forPeople = System.console() != null && System.console().isTerminal()
                && !(spec.root().userObject() instanceof Main main && main.json);
        JsonNode json = AdminJson.tree(result);
        spec.commandLine().getOut().println(forPeople ? HumanOutput.render(json) : json.toPrettyString());
        spec.commandLine().getOut().flush();
    }
}
