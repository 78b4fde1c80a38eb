package io.redactd.benchmarks.alerts;

import com.sun.net.httpserver.HttpServer;
import io.redactd.detectors.synthetic.PhiValues;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Leak alert latency, end to end: the daemon jar tails a real file that a writer fills with clean log lines at a
 * fixed rate; every {@code --gap-ms} a line with a synthetic SSN and a unique marker is appended. Latency is from
 * the append (after write() returned) to the moment a real HTTP receiver in this process has the alert for that
 * marker. The alert window is shorter than the gap, so every marked line raises its own immediate alert.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.alerts.AlertLatencyHarness \
 *     --jar daemon/target/redactd.jar --alerts 200 --mb-per-s 50 --gap-ms 50 [--probe-files 10] \
 *     [--csv benchmarks/results/alerts-latency.csv]
 * </pre>
 */
public final class AlertLatencyHarness {
    private static final Pattern MARKER = Pattern.compile("probe-(\\d+)-x");

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("daemon/target/redactd.jar");
        int alerts = 200;
        double mbPerS = 50;
        int gapMs = 50;
        int probeFiles = 0;
        Path csv = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[i + 1]);
                case "--alerts" -> alerts = Integer.parseInt(args[i + 1]);
                case "--mb-per-s" -> mbPerS = Double.parseDouble(args[i + 1]);
                case "--gap-ms" -> gapMs = Integer.parseInt(args[i + 1]);
                case "--probe-files" -> probeFiles = Integer.parseInt(args[i + 1]);
                case "--csv" -> csv = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("redactd-alert-bench");
        Path log = dir.resolve("app.log");
        Files.createFile(log);
        // 0: marked lines go into the background file itself (they queue behind its backlog); N: round-robin into N
        // files of their own, as when the leaking application is not the noisy one.
        List<Path> probes = new ArrayList<>();
        for (int i = 0; i < probeFiles; i++) {
            probes.add(Files.createFile(dir.resolve("leaky-" + i + ".log")));
        }

        long[] appendedAt = new long[alerts];
        long[] receivedAt = new long[alerts];
        ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
        HttpServer rx = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        rx.setExecutor(Executors.newFixedThreadPool(2));
        rx.createContext("/hook", ex -> {
            long now = System.nanoTime();
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = MARKER.matcher(body);
            if (m.find()) {
                int n = Integer.parseInt(m.group(1));
                if (n < receivedAt.length && seen.putIfAbsent(n, true) == null) {
                    receivedAt[n] = now;
                }
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        rx.start();

        Path cfg = dir.resolve("bench.yaml");
        Files.writeString(cfg, """
                inputs:
                  - id: app
                    type: file
                    paths: ["%s/*.log"]
                    start_at: beginning
                    poll_interval_ms: 10
                outputs:
                  - id: out
                    type: stdout
                state_dir: %s
                admin:
                  listen: 127.0.0.1:0
                alerts:
                  enabled: true
                  window: %dms
                  rate_per_second: 1000
                  burst: 1000
                  targets:
                    - {type: webhook, url: "http://127.0.0.1:%d/hook", insecure: true, retry_initial: 10ms}
                """.formatted(dir, dir.resolve("state"), probeFiles == 0 ? Math.max(10, gapMs / 2) : gapMs * probeFiles / 2, rx.getAddress().getPort()));
        Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", jar.toAbsolutePath().toString(), "run", "--config", cfg.toString())
                .redirectError(dir.resolve("daemon.log").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            waitFor("the daemon to start", () -> Files.readString(dir.resolve("daemon.log")).contains("redactd started"), 60);
            byte[] clean = cleanLines(256 * 1024);
            long bytesPerGap = (long) (mbPerS * 1e6 * gapMs / 1000);
            PhiValues phi = new PhiValues(new Random(7));
            long background = 0;
            long t0 = System.nanoTime();
            // Warm-up: a few seconds of background and alerts that are not measured.
            try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                int total = alerts + 40;
                for (int k = 0; k < total; k++) {
                    long sliceStart = t0 + (long) k * gapMs * 1_000_000L;
                    long written = 0;
                    while (written < bytesPerGap) {
                        int len = (int) Math.min(clean.length, bytesPerGap - written);
                        // Whole lines only: cut at the last newline within len.
                        int cut = len;
                        while (cut > 0 && clean[cut - 1] != '\n') {
                            cut--;
                        }
                        if (cut == 0) {
                            break; // less than a line left in this slice
                        }
                        writeFully(ch, clean, cut);
                        written += cut;
                    }
                    background += written;
                    int n = k - 40;
                    String marker = n >= 0 ? "probe-" + n + "-x" : "warm-" + k;
                    byte[] leak = (marker + " patient ssn " + PhiValues.dashedSsn(phi.ssnDigits()) + " checked in\n")
                            .getBytes(StandardCharsets.UTF_8);
                    // Timed before the write: a writer descheduled after write() must not shorten the figure.
                    long before = System.nanoTime();
                    if (probes.isEmpty()) {
                        writeFully(ch, leak, leak.length);
                    } else {
                        Files.write(probes.get(k % probes.size()), leak, StandardOpenOption.APPEND);
                    }
                    if (n >= 0) {
                        appendedAt[n] = before;
                    }
                    long sleepNs = sliceStart + gapMs * 1_000_000L - System.nanoTime();
                    if (sleepNs > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleepNs); // pacing the writer, not synchronization
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            final int want = alerts;
            waitFor("every alert", () -> seen.size() >= want, 30);
            double[] ms = new double[alerts];
            for (int i = 0; i < alerts; i++) {
                ms[i] = (receivedAt[i] - appendedAt[i]) / 1e6;
            }
            if (csv != null) {
                // One row per alert, in send order: the raw data behind the histogram (benchmarks/charts/report.py).
                StringBuilder rows = new StringBuilder("alert,latency_ms,background_mb_s\n");
                for (int i = 0; i < alerts; i++) {
                    rows.append(i).append(',').append(String.format(java.util.Locale.ROOT, "%.3f", ms[i])).append(',')
                            .append(mbPerS).append('\n');
                }
                Files.writeString(csv, rows);
            }
            Arrays.sort(ms);
            System.out.printf("alerts=%d background=%.1f MB in %.1f s (%.1f MB/s) gap=%d ms probe_files=%d%n", alerts,
                    background / 1e6, seconds, background / 1e6 / seconds, gapMs, probeFiles);
            System.out.printf("latency ms: min=%.1f p50=%.1f p90=%.1f p99=%.1f max=%.1f%n", ms[0], pct(ms, 50), pct(ms, 90),
                    pct(ms, 99), ms[ms.length - 1]);
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            rx.stop(0);
            ((java.util.concurrent.ExecutorService) rx.getExecutor()).shutdownNow();
            Files.deleteIfExists(log);
            for (Path p : probes) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static double pct(double[] sorted, double p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static void writeFully(FileChannel ch, byte[] b, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Clean access-log lines: no digits runs a detector would take (no IPs, phones, long numbers). */
    static byte[] cleanLines(int size) {
        String[] paths = {"/api/items", "/api/orders/list", "/health", "/static/app.js", "/login", "/api/search?q=shoes"};
        String[] verbs = {"GET", "POST", "PUT"};
        Random r = new Random(1);
        StringBuilder sb = new StringBuilder(size + 200);
        while (sb.length() < size) {
            sb.append("level=info svc=web verb=").append(verbs[r.nextInt(verbs.length)]).append(" path=")
                    .append(paths[r.nextInt(paths.length)]).append(" status=200 took_ms=").append(r.nextInt(90))
                    .append(" user_agent=curl trace=").append(Long.toHexString(r.nextLong()).replaceAll("[0-9]", "a"))
                    .append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(String what, Check c, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

}
