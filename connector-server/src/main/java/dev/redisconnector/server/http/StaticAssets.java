package dev.redisconnector.server.http;

import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Static files served from the class path (the jar): the server's own pages and the libraries it ships as WebJars.
 * Each file is read once and kept in memory; nothing is written to disk. Paths are checked before any lookup (no
 * {@code ..}, no absolute paths, a fixed set of characters), so a request can only reach files under the root.
 * Every answer carries {@code X-Content-Type-Options: nosniff} and the content security policy given. Thread-safe.
 */
public final class StaticAssets {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("png", "image/png"), Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"), Map.entry("woff", "font/woff"), Map.entry("txt", "text/plain"));

    private final String root;
    private final String cacheControl;
    private final String contentSecurityPolicy;
    /** Files found so far (a miss is not kept: any number of unknown names costs no memory). */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /**
     * @param root                  a class path folder, e.g. {@code META-INF/resources/webjars/swagger-ui/5.34.1}
     * @param cacheControl          the {@code Cache-Control} of every answer
     * @param contentSecurityPolicy the {@code Content-Security-Policy} of every answer
     */
    public StaticAssets(String root, String cacheControl, String contentSecurityPolicy) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.cacheControl = cacheControl;
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /** The version of a WebJar on the class path ({@code org.webjars}, {@code swagger-ui}), or empty. */
    public static Optional<String> webJarVersion(String group, String artifact) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact
                + "/pom.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            Properties properties = new Properties();
            properties.load(in);
            return Optional.ofNullable(properties.getProperty("version"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Serves files under {@code prefix}: {@code prefix/} answers the first folder's {@code index.html},
     * {@code prefix} redirects there (the pages' relative links need the slash), and {@code prefix/NAME} comes from
     * the first folder that has it (a page of our own over a library's files).
     */
    public static void mount(Router router, String prefix, StaticAssets... folders) {
        // a route for "/x" also matches "/x/"
        router.get(prefix).handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                folders[0].serve("index.html", ctx.response());
            } else {
                ctx.response().setStatusCode(302).putHeader("location", prefix + "/").end();
            }
        });
        router.get(prefix + "/*").handler(ctx -> {
            String path = ctx.normalizedPath().substring(prefix.length() + 1);
            StaticAssets from = folders[folders.length - 1];
            for (StaticAssets folder : folders) {
                if (folder.exists(path)) {
                    from = folder;
                    break;
                }
            }
            from.serve(path, ctx.response());
        });
    }

    /** Whether {@code path} (relative to the root) names a file that exists. */
    public boolean exists(String path) {
        return read(path).isPresent();
    }

    /** Answers with the file at {@code path} (relative to the root), or a {@code 404 NOT_FOUND} error. */
    public void serve(String path, HttpServerResponse response) {
        Optional<byte[]> file = read(path);
        if (file.isEmpty()) {
            Errors.send(response, new ApiError(ErrorCode.NOT_FOUND, Step.HTTP, "No such file."));
            return;
        }
        response.putHeader("content-type", type(path))
                .putHeader("cache-control", cacheControl)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("content-security-policy", contentSecurityPolicy)
                .putHeader("referrer-policy", "no-referrer")
                .end(Buffer.buffer(file.get()));
    }

    private Optional<byte[]> read(String path) {
        if (!safe(path)) {
            return Optional.empty();
        }
        byte[] known = files.get(path);
        if (known != null) {
            return Optional.of(known);
        }
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(root + "/" + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            files.putIfAbsent(path, bytes);
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Letters, digits, {@code -_.} and {@code /} between names; no empty, dot or dot-dot segment. */
    static boolean safe(String path) {
        if (path == null || path.isEmpty() || path.length() > 200 || path.startsWith("/") || path.endsWith("/")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(".")) {
                return false;
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                        || c == '.')) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String type(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "application/octet-stream" : TYPES.getOrDefault(path.substring(dot + 1),
                "application/octet-stream");
    }
}
