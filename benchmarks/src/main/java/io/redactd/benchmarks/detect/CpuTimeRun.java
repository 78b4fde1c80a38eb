package io.redactd.benchmarks.detect;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.Redactor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A complement to {@link DetectionBenchmark} for shared machines: the same corpus and catalog, one thread, but
 * throughput per CPU-second of the measuring thread (ThreadMXBean), which the other tenants' load does not dilute.
 * JMH's wall-clock figures stay the reference; this says what one core does when it gets to run.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.detect.CpuTimeRun [ENGINE] [DISABLED]
 * [CORPUS...]}; corpora: all (LogCorpus), clean (its clean lines), synthetic (SyntheticLog 5 % PHI), dense.
 */
public final class CpuTimeRun {
    private CpuTimeRun() {
    }

    public static void main(String[] args) {
        String engine = args.length > 0 ? args[0] : "portable";
        Set<String> off = args.length > 1 && !args[1].equals("none") ? Set.of(args[1].split(",")) : Set.of();
        DetectionSettings d = DetectionSettings.defaults();
        DetectionPlan plan = DetectionPlan.compile(new DetectionSettings(
                EngineChoice.valueOf(engine.toUpperCase(Locale.ROOT)), d.enabledTypes(), off, d.actions(), d.custom(),
                d.fieldRules(), d.tokenKey(), d.tokenKeyId()));
        Redactor r = plan.newRedactor();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] corpora = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length)
                : new String[] {"all", "clean"};
        for (String corpus : corpora) {
            List<byte[]> lines = switch (corpus) {
                case "all" -> LogCorpus.lines(20_000, 1);
                case "clean" -> LogCorpus.cleanLines(20_000, 1);
                default -> LogCorpus.named(corpus, 20_000, 1);
            };
            long bytes = 0;
            for (byte[] l : lines) {
                bytes += l.length;
            }
            double best = 0;
            for (int round = 0; round < 8; round++) { // the first rounds warm up the JIT and the DFA
                long t0 = mx.getCurrentThreadCpuTime();
                long sink = 0;
                for (byte[] l : lines) {
                    sink += r.redact(l).outputLength();
                }
                long cpu = mx.getCurrentThreadCpuTime() - t0;
                double mbs = bytes / (cpu / 1e9) / 1e6;
                best = round >= 3 ? Math.max(best, mbs) : best;
                if (Boolean.getBoolean("redactd.rounds")) {
                    System.out.printf(Locale.ROOT, "  round %d: %.1f MB per CPU-second%n", round, mbs);
                }
                if (sink < 0) {
                    throw new IllegalStateException();
                }
            }
            System.out.printf(Locale.ROOT, "%s engine, disabled=%s, %s lines (avg %d B): %.0f MB per CPU-second%n",
                    plan.engineName(), off.isEmpty() ? "none" : String.join(",", off), corpus, bytes / lines.size(),
                    best);
        }
    }
}
