package dev.redisconnector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority, a server certificate for {@code localhost} only (so connecting by IP fails host
 * name verification), and a client certificate, made with {@code openssl} for TLS tests. Keys are PKCS#8 PEM.
 *
 * @param directory where the files are
 */
public record TlsFiles(Path directory) {

    /** Generates everything into {@code directory}. Needs the {@code openssl} command. */
    public static TlsFiles generate(Path directory) {
        try {
            Files.createDirectories(directory);
            TlsFiles files = new TlsFiles(directory);
            files.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=redis-connector test CA", "-keyout", "ca.key", "-out", "ca.crt");
            Files.writeString(directory.resolve("server.ext"),
                    "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n");
            files.openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "server.key");
            files.openssl("req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr");
            files.openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.crt");
            Files.writeString(directory.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
            files.openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "client.key");
            files.openssl("req", "-new", "-key", "client.key", "-subj", "/CN=redis-connector test client", "-out",
                    "client.csr");
            files.openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-days", "2", "-extfile", "client.ext", "-out", "client.crt");
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("could not generate TLS test files", e);
        }
    }

    /** {@code redis.conf} lines for a TLS server with these files. */
    public List<String> serverConfig(boolean requireClientCertificates) {
        List<String> lines = new ArrayList<>();
        lines.add("tls-cert-file " + directory.resolve("server.crt"));
        lines.add("tls-key-file " + directory.resolve("server.key"));
        lines.add("tls-ca-cert-file " + directory.resolve("ca.crt"));
        lines.add("tls-auth-clients " + (requireClientCertificates ? "yes" : "no"));
        return lines;
    }

    /** The CA certificate in PEM. */
    public String caPem() {
        return read("ca.crt");
    }

    /** The client certificate in PEM. */
    public String clientCertificatePem() {
        return read("client.crt");
    }

    /** The client's PKCS#8 private key in PEM. */
    public String clientKeyPem() {
        return read("client.key");
    }

    private String read(String name) {
        try {
            return Files.readString(directory.resolve(name), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("openssl.log").toFile()).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed; see "
                        + directory.resolve("openssl.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
