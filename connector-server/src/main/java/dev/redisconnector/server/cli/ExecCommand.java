package dev.redisconnector.server.cli;

import dev.redisconnector.server.config.Settings;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exec}: runs one command through a running server with a session token. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run a Redis command through a running server. The session token comes from RC_TOKEN or"
                + " --token-stdin, never from an argument.")
final class ExecCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", description = "Server URL (default --server, RC_SERVER, else http://127.0.0.1:8080).")
    String url;

    @CommandLine.ParentCommand
    Main root;

    @Option(names = "--token-stdin", description = "Read the session token from the first line of stdin.")
    boolean tokenStdin;

    @Option(names = "--base64", description = "Arguments and replies are base64.")
    boolean base64;

    @Option(names = "--timeout-ms", description = "Lower the command timeout.")
    Integer timeoutMs;

    @Parameters(index = "0", arity = "0..1", description = "Redis command, e.g. SET. Without one: a prompt (like"
            + " redis-cli) that runs each line, with history at a terminal.")
    String command;

    @Parameters(index = "1..*", description = "Arguments.")
    List<String> args = List.of();

    @Override
    public Integer call() throws IOException, InterruptedException {
        // one reader for stdin: with --token-stdin its first line is the token, the prompt reads the rest
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String token = tokenStdin ? stdin.readLine() : root.config().get(Settings.TOKEN);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no session token: set RC_TOKEN or use --token-stdin");
        }
        String server = root == null ? null : root.serverUrl();
        String base = url != null ? url : server != null ? server : "http://127.0.0.1:8080";
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            if (command != null) {
                List<String> line = new ArrayList<>();
                line.add(command);
                line.addAll(args);
                return run(http, base, token.strip(), line);
            }
            return prompt(http, base, token.strip(), stdin);
        }
    }

    /**
     * The prompt: one command per line, quoted like redis-cli ({@code SET "a b" 'c'}); {@code quit} or end of input
     * ends it. At a terminal, line editing and history (kept in {@code ~/.redis-connector_history}).
     */
    private int prompt(HttpClient http, String base, String token, BufferedReader stdin)
            throws IOException, InterruptedException {
        int last = ExitCodes.OK;
        LineSource lines = LineSource.open(base, stdin);
        try {
            String line;
            while ((line = lines.next()) != null) {
                List<String> words = RedisCliQuoting.split(line);
                if (words.isEmpty()) {
                    continue;
                }
                if (words.size() == 1 && (words.getFirst().equalsIgnoreCase("quit")
                        || words.getFirst().equalsIgnoreCase("exit"))) {
                    break;
                }
                last = run(http, base, token, words);
                if (last == ExitCodes.UNAVAILABLE || last == ExitCodes.UNAUTHORIZED) {
                    break;
                }
            }
        } finally {
            lines.close();
        }
        return last;
    }

    /** Runs one command through the server and prints its reply or error. */
    private int run(HttpClient http, String base, String token, List<String> words)
            throws IOException, InterruptedException {
        JsonObject body = new JsonObject().put("inputs", new JsonObject().put("command", words.getFirst())
                .put("args", new JsonArray(List.copyOf(words.subList(1, words.size())))));
        JsonObject options = new JsonObject();
        if (base64) {
            options.put("encoding", "base64");
        }
        if (timeoutMs != null) {
            options.put("timeoutMs", timeoutMs);
        }
        if (!options.isEmpty()) {
            body.put("options", options);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/v1/redis/execute"))
                .timeout(Duration.ofSeconds(120))
                .header("authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            spec.commandLine().getErr().println("error: could not reach " + base + " (" + (e.getMessage() == null
                    ? "connection failed" : e.getMessage()) + ")");
            return ExitCodes.UNAVAILABLE;
        }
        if (response.statusCode() == 200) {
            Object output = new JsonObject(response.body()).getValue("output1");
            spec.commandLine().getOut().println(output instanceof JsonObject || output instanceof JsonArray
                    ? Json.encodePrettily(output) : Json.encode(output));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        spec.commandLine().getErr().println(response.body());
        spec.commandLine().getErr().flush();
        return response.statusCode() == 422 ? ExitCodes.FAILED : ExitCodes.forStatus(response.statusCode());
    }
}
