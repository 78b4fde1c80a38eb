package io.redactd.detectors.engine;

import io.redactd.benchmarks.detect.LogCorpus;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.redact.RedactionPlan;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The portable engine's scan one line at a time against two lines at once ({@link CandidateEngine.Scan#candidatesPair}),
 * and the whole redactor through {@code redact} against {@code redactPair}/{@code redactSecond}: MB per CPU-second
 * of the measuring thread, the best round of several in which every part runs once over the corpus in turn (so a
 * burst of load on the shared machine hits all parts alike). In this package to reach the engine.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.redactd.detectors.engine.PairedScanCost [CORPUS [ROUNDS]]}:
 * CORPUS is logcorpus, synthetic or dense, or an absolute path to a log file (its first 100,000 lines, e.g. the
 * harness's {@code $BENCH_WORK/corpus/full-20/corpus.log}, which the daemon's end-to-end figures use).
 */
public final class PairedScanCost {
    private static final int WARMUP = 4;

    private PairedScanCost() {
    }

    private static List<byte[]> fileLines(String path) {
        try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(path),
                java.nio.charset.StandardCharsets.ISO_8859_1)) { // bytes as they are, valid UTF-8 or not
            return r.lines().limit(100_000).map(l -> l.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    interface Pass {
        long run(List<byte[]> lines);
    }

    public static void main(String[] args) {
        String corpus = args.length > 0 ? args[0] : "logcorpus";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 14;
        List<byte[]> lines = corpus.startsWith("/") ? fileLines(corpus) : LogCorpus.named(corpus, 20_000, 1);
        long bytes = lines.stream().mapToLong(l -> l.length).sum();
        RedactionPlan plan = (RedactionPlan) Plans.compile(DetectionSettings.defaults().withEngine(EngineChoice.PORTABLE));
        CandidateEngine engine = (CandidateEngine) HyperscanTools.field(plan, "engine");
        CandidateEngine.Scan scan = engine.newScan();
        CompiledPattern[] patterns = (CompiledPattern[]) HyperscanTools.field(plan, "patterns");
        PatternSet a = new PatternSet(patterns.length);
        PatternSet b = new PatternSet(patterns.length);
        Redactor redactor = plan.newRedactor();

        Map<String, Pass> parts = new LinkedHashMap<>();
        parts.put("scan, one line at a time", ls -> {
            long n = 0;
            for (byte[] l : ls) {
                a.clear();
                scan.candidates(l, 0, l.length, a);
                n += a.next(0);
            }
            return n;
        });
        parts.put("scan, two lines at once", ls -> {
            long n = 0;
            int i = 0;
            for (; i + 1 < ls.size(); i += 2) {
                byte[] x = ls.get(i);
                byte[] y = ls.get(i + 1);
                a.clear();
                b.clear();
                scan.candidatesPair(x, 0, x.length, a, y, 0, y.length, b);
                n += a.next(0) + b.next(0);
            }
            return n;
        });
        parts.put("redactor, redact", ls -> {
            long n = 0;
            for (byte[] l : ls) {
                n += redactor.redact(l).outputLength();
            }
            return n;
        });
        parts.put("redactor, redactPair", ls -> {
            long n = 0;
            int i = 0;
            for (; i + 1 < ls.size(); i += 2) {
                byte[] x = ls.get(i);
                byte[] y = ls.get(i + 1);
                LineResult r = redactor.redactPair(x, 0, x.length, y, 0, y.length);
                n += r.outputLength();
                n += redactor.redactSecond().outputLength();
            }
            return n;
        });

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, long[]> cpu = new LinkedHashMap<>();
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Pass> e : parts.entrySet()) {
                long t0 = mx.getCurrentThreadCpuTime();
                sink += e.getValue().run(lines);
                long used = mx.getCurrentThreadCpuTime() - t0;
                if (round >= WARMUP) {
                    cpu.computeIfAbsent(e.getKey(), k -> new long[rounds - WARMUP])[round - WARMUP] = used;
                }
            }
        }
        System.out.printf(Locale.ROOT, "corpus %s: %d lines, %d B average, %d measured rounds%s%n", corpus,
                lines.size(), bytes / lines.size(), rounds - WARMUP, sink == 42 ? " " : "");
        cpu.forEach((what, t) -> {
            long[] s = t.clone();
            java.util.Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%-28s best %6.0f  median %6.0f MB/CPU-s%n", what,
                    bytes / (s[0] / 1e9) / 1e6, bytes / (s[s.length / 2] / 1e9) / 1e6);
        });
    }
}
