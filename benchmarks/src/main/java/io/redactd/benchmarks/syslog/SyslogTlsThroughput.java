package io.redactd.benchmarks.syslog;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.input.syslog.SyslogInput;
import io.redactd.daemon.input.syslog.SyslogInputConfig;
import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.tls.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the syslog-over-TLS input stage alone: TLS decryption, octet-count framing, RFC 5424 parsing and
 * event building, into a sink that acknowledges at once (no detection, no output). The load generator runs as a
 * separate JVM so the CPU figure is the input's own. Certificates are made with the openssl CLI.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.syslog.SyslogTlsThroughput [CONNECTIONS] [SECONDS]</pre>
 */
public final class SyslogTlsThroughput {
    private SyslogTlsThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Path dir = Files.createTempDirectory("redactd-bench-tls");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");

        AtomicLong events = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        EventSink counting = batch -> {
            long b = 0;
            for (RawEvent e : batch.events()) {
                b += e.message().length;
            }
            events.addAndGet(batch.events().size());
            bytes.addAndGet(b);
            return Future.succeededFuture();
        };
        Vertx vertx = Vertx.vertx();
        SyslogInput input = new SyslogInput(new SyslogInputConfig("127.0.0.1:0",
                TlsConfig.of(dir.resolve("cert.pem").toString(), dir.resolve("key.pem").toString()), false, false, null,
                null, 4096, null, null, null, null, null),
                new ComponentContext("bench", vertx, counting, dir, new SimpleMeterRegistry()));
        input.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        Process generator = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SyslogLoadGenerator.class.getName(), "127.0.0.1",
                String.valueOf(input.port()), dir.resolve("cert.pem").toString(), String.valueOf(connections),
                String.valueOf(seconds + 3))).inheritIO().start();

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(3000); // warm-up: handshakes, JIT
        long e0 = events.get();
        long b0 = bytes.get();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        long ev = events.get() - e0;
        long by = bytes.get() - b0;
        System.out.printf("syslog-tls input: connections=%d events/s=%.0f message MB/s=%.1f input CPU=%.2f cores "
                        + "(%.1f MB/s per core) over %.1f s%n", connections, ev / wall, by / wall / 1e6, cpu / wall,
                by / 1e6 / cpu, wall);
        generator.waitFor(60, TimeUnit.SECONDS);
        input.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }
}
