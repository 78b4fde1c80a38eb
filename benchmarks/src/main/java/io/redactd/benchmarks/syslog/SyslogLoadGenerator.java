package io.redactd.benchmarks.syslog;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Load generator for the syslog input: many TLS connections, each writing octet-counted RFC 5424 messages (with
 * synthetic PHI-shaped content) as fast as the server reads them, for a fixed time. Prints bytes and messages sent.
 *
 * <pre>java -cp benchmarks.jar io.redactd.benchmarks.syslog.SyslogLoadGenerator HOST PORT CA_PEM CONNECTIONS SECONDS</pre>
 */
public final class SyslogLoadGenerator {
    private SyslogLoadGenerator() {
    }

    /** One 64 KiB-ish block of octet-counted messages; returns the block and how many messages it holds. */
    static byte[] block(int[] messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 0;
        while (out.size() < 64 * 1024) {
            String msg = "<165>1 2026-03-10T11:00:00." + String.format("%03d", n % 1000) + "Z ehr-app-01 billing 4242 ADT"
                    + " [origin ip=\"10.1.2." + (n % 250) + "\" software=\"adt-feed\"] patient MRN " + (10_000_000 + n)
                    + " admitted to ward 4B, SSN 219-09-9999, phone (555) 010-" + String.format("%04d", n % 10_000)
                    + ", insurer member id W" + (123_456_789 + n) + ", status=ok seq=" + n;
            byte[] bytes = msg.getBytes(StandardCharsets.UTF_8);
            out.writeBytes((bytes.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
            n++;
        }
        messages[0] = n;
        return out.toByteArray();
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        SSLContext tls = trusting(Path.of(args[2]));
        int connections = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        int[] perBlock = new int[1];
        byte[] block = block(perBlock);
        AtomicLong blocks = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
                    socket.startHandshake();
                    OutputStream out = socket.getOutputStream();
                    while (System.nanoTime() < deadline) {
                        out.write(block);
                        blocks.incrementAndGet();
                    }
                    out.flush();
                } catch (Exception e) {
                    System.err.println("connection failed: " + e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("sent_bytes=" + blocks.get() * block.length + " sent_messages=" + blocks.get() * perBlock[0]);
    }
}
