package io.redactd.benchmarks.integrity;

import io.redactd.daemon.integrity.CanonicalWriter;
import io.redactd.daemon.integrity.CheckpointPolicy;
import io.redactd.daemon.integrity.HashChain;
import io.redactd.daemon.integrity.KeygenCommand;
import io.redactd.daemon.integrity.VerifyCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Companion to {@link IntegrityBenchmark} for a shared, oversubscribed machine: measures the same work by the
 * thread's CPU time as well as wall time, so other processes competing for the cores do not count against it.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.integrity.IntegrityCpuTime [events]}.
 */
public final class IntegrityCpuTime {
    private IntegrityCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Path dir = Files.createTempDirectory("redactd-integrity-cpu");
        Path state = dir.resolve("state");
        StringWriter keygen = new StringWriter();
        new CommandLine(new KeygenCommand()).setOut(new PrintWriter(keygen)).execute("--state-dir", state.toString());
        Path key = dir.resolve("auditor.key");
        Files.write(key, keygen.toString().lines().filter(l -> l.startsWith("verification-key=")).toList());

        // Chain on vs off: the same event built N times, linked or merely copied.
        CanonicalWriter w = new CanonicalWriter(512);
        byte[] out = new byte[4096];
        for (int round = 0; round < 3; round++) {
            HashChain chain = HashChain.open(dir.resolve("s" + round), "bench", CheckpointPolicy.DEFAULT,
                    IntegrityBenchmark.T0);
            long c0 = mx.getCurrentThreadCpuTime();
            long sink = 0;
            for (int i = 0; i < events; i++) {
                IntegrityBenchmark.build(w, null, i, "bench-20261127T031752.123Z");
                System.arraycopy(w.array(), 0, out, 0, w.size());
                sink += out[7];
            }
            long c1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < events; i++) {
                int at = IntegrityBenchmark.build(w, chain, i, null);
                sink += chain.link(w.array(), 0, w.size(), at, out, 0);
            }
            long c2 = mx.getCurrentThreadCpuTime();
            double off = (c1 - c0) / (double) events;
            double on = (c2 - c1) / (double) events;
            System.out.printf(Locale.ROOT, "round %d: build event %.0f ns CPU, build+link %.0f ns CPU, link adds %.0f ns"
                    + " (%d canonical bytes) [%d]%n", round, off, on, on - off, w.size(), sink & 1);
        }

        Path file = dir.resolve("out.ndjson");
        IntegrityBenchmark.writeStream(HashChain.open(state, "bench", CheckpointPolicy.DEFAULT, IntegrityBenchmark.T0),
                file, events);
        for (int round = 0; round < 3; round++) {
            long wall0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            int rc = new picocli.CommandLine(new VerifyCommand()).setOut(new PrintWriter(Writer.nullWriter()))
                    .execute(file.toString(), "--key-file", key.toString(), "--no-progress");
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            long wall = System.nanoTime() - wall0;
            System.out.printf(Locale.ROOT, "verify round %d: exit %d, %,d events, %,.0f events/s by CPU time, "
                    + "%,.0f events/s wall (%d bytes file)%n", round, rc, events, events / (cpu / 1e9),
                    events / (wall / 1e9), Files.size(file));
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static final class CommandLine extends picocli.CommandLine {
        CommandLine(Object command) {
            super(command);
        }
    }
}
