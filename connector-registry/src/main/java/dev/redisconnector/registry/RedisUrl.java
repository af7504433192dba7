package dev.redisconnector.registry;

import dev.redisconnector.core.spi.RedisService;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a connection URL ({@code redis://[user[:password]@]host[:port][/db]}, {@code rediss://} for TLS) into a
 * service definition and, when the URL carries them, credentials. A convenience for import: the credentials are
 * still stored apart and encrypted. {@code toString()} never shows the password.
 *
 * @param definition  the standalone service the URL points at
 * @param credentials the URL's credentials, or {@code null} when it has no password
 */
public record RedisUrl(ServiceDefinition definition, CredentialsInput credentials) {

    /** Parses a URL; fails with a message that never repeats the password. */
    public static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is empty");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid redis:// or rediss:// URL");
        }
        String scheme = uri.getScheme();
        if ("redis-sentinel".equalsIgnoreCase(scheme) || "rediss-sentinel".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("a redis-sentinel:// URL cannot be imported: register a Sentinel service"
                    + " with its mode, master name and sentinels instead (service set CLIENT --mode sentinel"
                    + " --master-name NAME --node HOST:26379 ...; see docs/TOPOLOGIES.md)");
        }
        if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("url must start with redis:// or rediss://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("url has no host");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        int database = 0;
        String path = uri.getRawPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the url's path must be a database number, e.g. /0");
            }
        }
        boolean tls = "rediss".equalsIgnoreCase(scheme);
        ServiceDefinition definition = ServiceDefinition.of(uri.getHost(), port).withDatabase(database)
                .withTls(new RedisService.TlsSettings(tls, true));
        CredentialsInput credentials = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (colon < 0) {
                // redis://password@host is the legacy form: a password without a user
                password = user;
                user = null;
            }
            if (password != null && !password.isEmpty()) {
                credentials = CredentialsInput.password(user == null || user.isEmpty() ? null : user, password);
            }
        }
        return new RedisUrl(definition, credentials);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RedisUrl[" + definition + ", credentials=" + (credentials == null ? "none" : "******") + "]";
    }
}
