package io.redactd.daemon.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Test certificates made with the real {@code openssl} CLI: one CA, server and client certificates signed by it. */
public final class TestPki {
    private final Path dir;

    public TestPki(Path dir) throws IOException {
        this.dir = dir;
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2", "-subj", "/CN=redactd-test-ca");
    }

    public Path dir() {
        return dir;
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** An RSA server certificate for localhost / 127.0.0.1 as {@code name.pem} + PKCS#8 {@code name.key}. */
    public Issued server(String name) throws IOException {
        return issue(name, "localhost", "rsa:2048", SERVER_EXT);
    }

    /** An EC (P-256) server certificate with a PKCS#8 key: much quicker to make than RSA. */
    public Issued serverPkcs8Ec(String name) throws IOException {
        return issue(name, "localhost", "ec", SERVER_EXT);
    }

    private static final String SERVER_EXT = "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n";

    /** An EC client certificate with the given CN and an email SAN. */
    public Issued client(String name, String cn) throws IOException {
        return issue(name, cn, "ec", "subjectAltName=email:" + name + "@example.test\nextendedKeyUsage=clientAuth\n");
    }

    /** A CA unrelated to this one (for a client the server must not trust). */
    public static TestPki other(Path dir) throws IOException {
        return new TestPki(dir);
    }

    private Issued issue(String name, String cn, String keyType, String extensions) throws IOException {
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, extensions);
        List<String> req = new ArrayList<>(List.of("req", "-new", "-nodes", "-keyout", file(name + ".key"),
                "-out", file(name + ".csr"), "-subj", "/CN=" + cn, "-newkey", keyType));
        if (keyType.equals("ec")) {
            req.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        openssl(req.toArray(String[]::new));
        openssl("x509", "-req", "-in", file(name + ".csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
                "-CAcreateserial", "-out", file(name + ".pem"), "-days", "2", "-extfile", ext.toString());
        return new Issued(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    }

    /** Converts a PKCS#8 RSA key to PKCS#1 ({@code RSA PRIVATE KEY}). */
    public Path toPkcs1(Path pkcs8) throws IOException {
        Path out = dir.resolve(pkcs8.getFileName() + ".pkcs1");
        openssl("rsa", "-in", pkcs8.toString(), "-traditional", "-out", out.toString());
        return out;
    }

    public Issued serverEc(String name) throws IOException {
        Issued issued = issue(name, "localhost", "ec", SERVER_EXT);
        Path sec1 = dir.resolve(name + ".sec1.key");
        openssl("ec", "-in", issued.key().toString(), "-out", sec1.toString());
        return new Issued(issued.cert(), sec1);
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static void openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        ExternalProcess.Result result = ExternalProcess.run(cmd, null, 30);
        if (result.exitCode() != 0) {
            throw new IOException("openssl " + args[0] + " failed: " + result.stderr());
        }
    }

    /** A TLS connection to 127.0.0.1:{@code port} that trusts this CA only, handshake done. */
    public SSLSocket connect(int port) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(ca()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.startHandshake();
        return socket;
    }

    /** Serial number of the certificate the server presented on {@code socket}. */
    public static BigInteger serial(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** Serial number of the PEM certificate in {@code pem}. */
    public static BigInteger serial(Path pem) throws Exception {
        return certificate(pem).getSerialNumber();
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    public record Issued(Path cert, Path key) {
    }
}
