package dev.redisconnector.server.cli;

import dev.redisconnector.registry.IssuedSession;
import dev.redisconnector.registry.ServiceDefinition;
import dev.redisconnector.server.ConnectorServer;
import dev.redisconnector.server.config.ServerConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code serve}: runs the HTTP server until SIGTERM/SIGINT, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP server.")
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", description = "Listen port (overrides RC_PORT; 0 picks a free one).")
    Integer port;

    @Option(names = "--demo", description = "Register a demo client 'acme' against a local Redis, create a session"
            + " and print a ready-to-paste curl.")
    boolean demo;

    @Option(names = "--demo-redis-host", defaultValue = "127.0.0.1", description = "Demo Redis host.")
    String demoRedisHost;

    @Option(names = "--demo-redis-port", defaultValue = "6379", description = "Demo Redis port.")
    int demoRedisPort;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = main.config();
        if (port != null) {
            config = config.with(Map.of("RC_PORT", Integer.toString(port)));
        }
        ConnectorServer server = ConnectorServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        if (demo) {
            printDemo(server);
        }
        stopped.await();
        return ExitCodes.OK;
    }

    private void printDemo(ConnectorServer server) {
        server.registry().services().put("acme", ServiceDefinition.of(demoRedisHost, demoRedisPort));
        server.registry().credentials().setNone("acme");
        IssuedSession session = server.registry().sessions().create("demo-user", "acme", Duration.ofDays(1), false);
        String host = server.config().host().equals("0.0.0.0") ? "127.0.0.1" : server.config().host();
        String url = "http://" + host + ":" + server.port();
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("redis-connector is running at " + url);
        out.println("Demo client 'acme' -> Redis at " + demoRedisHost + ":" + demoRedisPort
                + "; session for user 'demo-user' (valid 24 h).");
        out.println();
        out.println("Paste this to run SET order:12345 delivered:");
        out.println();
        out.println("curl -s -X POST " + url + "/v1/redis/execute \\");
        out.println("  -H 'Authorization: Bearer " + session.token() + "' \\");
        out.println("  -H 'Content-Type: application/json' \\");
        out.println("  -d '{\"inputs\": {\"command\": \"SET\", \"args\": [\"order:12345\", \"delivered\"]}}'");
        out.println();
        out.println("Expected: {\"output1\":\"OK\"}.");
        if (server.config().consoleEnabled()) {
            out.println("Open the console at " + url + "/console (sign in with the session token above).");
        }
        if (server.config().docsEnabled()) {
            out.println("Browse and try the API at " + url + "/docs (Authorize with the session token above).");
        }
        out.println("Stop with Ctrl-C.");
        out.flush();
    }
}
