package io.redactd.benchmarks.detect;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One thread redacting {@link LogCorpus} with the full built-in catalog, per engine. {@code redactLine} reports lines/s
 * and, through the {@code bytes} counter, input bytes/s (divide by 10^6 for MB/s). {@code redactCleanLine} runs clean
 * lines only; with {@code -prof gc} its {@code gc.alloc.rate.norm} is the allocation per clean line.
 * {@code redactLinePair} is {@code redactLine} two lines at a time (the pipeline's paired scan).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class DetectionBenchmark {

    @State(Scope.Thread)
    public static class Engine {
        @Param({"hyperscan", "portable"})
        public String engine;

        /** PHI types switched off: "none" for the full catalog, e.g. "IPV6" to see what one detector costs. */
        @Param({"none"})
        public String disabled;

        /** Lines for {@code redactLine}: "logcorpus" (LogCorpus), "synthetic" (SyntheticLog, 5 % PHI), "dense". */
        @Param({"logcorpus"})
        public String corpus;

        Redactor redactor;
        byte[][] lines;
        byte[][] clean;
        int next;
        int nextClean;

        @Setup(Level.Trial)
        public void setUp() {
            DetectionSettings d = DetectionSettings.defaults();
            java.util.Set<String> off = disabled.equals("none") ? java.util.Set.of() : java.util.Set.of(disabled.split(","));
            DetectionPlan plan = DetectionPlan.compile(new DetectionSettings(
                    EngineChoice.valueOf(engine.toUpperCase(java.util.Locale.ROOT)), d.enabledTypes(), off, d.actions(),
                    d.custom(), d.fieldRules(), d.tokenKey(), d.tokenKeyId()));
            if (!plan.engineName().equals(engine)) {
                throw new IllegalStateException("asked for " + engine + ", got " + plan.engineName());
            }
            if (plan.detectors().isEmpty()) {
                throw new IllegalStateException("the built-in catalog is empty: nothing would be measured");
            }
            redactor = plan.newRedactor();
            lines = LogCorpus.named(corpus, 20_000, 1).toArray(new byte[0][]);
            clean = LogCorpus.cleanLines(20_000, 1).toArray(new byte[0][]);
        }
    }

    /** Input bytes processed, reported by JMH as a rate next to the op rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    @Benchmark
    public int redactLine(Engine s, Bytes counter) {
        byte[] line = s.lines[s.next];
        s.next = s.next + 1 == s.lines.length ? 0 : s.next + 1;
        LineResult r = s.redactor.redact(line);
        counter.bytes += line.length;
        return r.outputLength() + r.findingCount();
    }

    /**
     * {@code redactLine} two lines per operation through {@link Redactor#redactPair} (the daemon's pipeline hands the
     * redactor its events in pairs): compare the {@code bytes} rates, not the op rates (two lines per op here).
     */
    @Benchmark
    public int redactLinePair(Engine s, Bytes counter) {
        byte[] a = s.lines[s.next];
        s.next = s.next + 1 == s.lines.length ? 0 : s.next + 1;
        byte[] b = s.lines[s.next];
        s.next = s.next + 1 == s.lines.length ? 0 : s.next + 1;
        LineResult r = s.redactor.redactPair(a, 0, a.length, b, 0, b.length);
        int sum = r.outputLength() + r.findingCount();
        r = s.redactor.redactSecond();
        counter.bytes += a.length + b.length;
        return sum + r.outputLength() + r.findingCount();
    }

    @Benchmark
    public int redactCleanLine(Engine s, Bytes counter) {
        byte[] line = s.clean[s.nextClean];
        s.nextClean = s.nextClean + 1 == s.clean.length ? 0 : s.nextClean + 1;
        LineResult r = s.redactor.redact(line);
        counter.bytes += line.length;
        return r.outputLength() + r.findingCount();
    }
}
