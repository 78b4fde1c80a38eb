package io.redactd.detectors.engine;

import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hyperscan;
import com.gliwka.hyperscan.jni.match_event_handler;
import io.redactd.benchmarks.detect.LogCorpus;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.redact.RedactionPlan;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the Hyperscan engine's time goes per line: nanoseconds of the measuring thread's CPU time per line, the
 * minimum over rounds in which every part runs once over the corpus in turn (so a burst of load on the shared
 * machine hits all parts alike). Parts: the line copied into native memory by JavaCPP's JNI put; one JNI
 * {@code hs_scan} call on an empty input (the fixed cost of a call); the old engine's database (the 33 catalog
 * patterns as written) with no callback and with a no-op callback; the engine's database now (the patterns Hyperscan
 * keeps, boundaries stripped); the Java token pass; the engine's whole candidate pass; the portable engine's; the
 * whole redactor on each engine. In this package (split across jars) to reach the engine's internals.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.redactd.detectors.engine.HyperscanEngineParts [CORPUS]}
 */
public final class HyperscanEngineParts {
    private static final int ROUNDS = 12;
    private static final int WARMUP = 4;

    private HyperscanEngineParts() {
    }

    interface PerLine {
        long run(byte[] line);
    }

    public static void main(String[] args) {
        String corpus = args.length > 0 ? args[0] : "logcorpus";
        List<byte[]> lines = LogCorpus.named(corpus, 20_000, 1);
        long bytes = lines.stream().mapToLong(l -> l.length).sum();

        RedactionPlan hsPlan = plan(EngineChoice.HYPERSCAN);
        RedactionPlan portablePlan = plan(EngineChoice.PORTABLE);
        HyperscanEngine engine = (HyperscanEngine) HyperscanTools.field(hsPlan, "engine");
        CompiledPattern[] patterns = (CompiledPattern[]) HyperscanTools.field(hsPlan, "patterns");
        CandidateEngine portable = (CandidateEngine) HyperscanTools.field(portablePlan, "engine");

        List<String> catalog = new ArrayList<>();
        Catalog.builtIn().stream().map(DetectorSpec::patterns).forEach(catalog::addAll);
        hs_database_t oldDb = plain(catalog);
        hs_database_t emptyDb = plain(List.of("zqxjzqxjzq"));
        hs_database_t newDb = engine.database();
        hs_scratch_t scratch = HyperscanTools.scratch(oldDb, null);
        scratch = HyperscanTools.scratch(emptyDb, scratch);
        hs_scratch_t s = HyperscanTools.scratch(newDb, scratch);
        match_event_handler onMatch = new match_event_handler() {
            @Override
            public int call(int id, long from, long to, int f, Pointer context) {
                return 0;
            }
        };
        BytePointer input = new BytePointer(1 << 16);
        TokenNominator.Scan tokens = engine.tokens().newScan();
        CandidateEngine.Scan hsScan = engine.newScan();
        CandidateEngine.Scan portableScan = portable.newScan();
        PatternSet set = new PatternSet(patterns.length);
        Redactor hsRedactor = hsPlan.newRedactor();
        Redactor portableRedactor = portablePlan.newRedactor();

        Map<String, PerLine> parts = new LinkedHashMap<>();
        parts.put("copy into native memory (JNI put)", l -> {
            input.position(0).put(l, 0, l.length);
            return 0;
        });
        parts.put("hs_scan JNI call, empty input", l -> hyperscan.hs_scan(emptyDb, input, 0, 0, s, onMatch, null));
        parts.put("old db (33 patterns), no callback", l -> {
            input.position(0).put(l, 0, l.length);
            return hyperscan.hs_scan(oldDb, input, l.length, 0, s, null, null);
        });
        parts.put("old db (33 patterns), no-op callback", l -> {
            input.position(0).put(l, 0, l.length);
            return hyperscan.hs_scan(oldDb, input, l.length, 0, s, onMatch, null);
        });
        parts.put("new db (Hyperscan's share), no-op callback", l -> {
            input.position(0).put(l, 0, l.length);
            return hyperscan.hs_scan(newDb, input, l.length, 0, s, onMatch, null);
        });
        parts.put("token pass (Java)", l -> {
            set.clear();
            tokens.candidates(l, 0, l.length, set);
            return 0;
        });
        parts.put("hyperscan engine candidates (all)", l -> {
            set.clear();
            hsScan.candidates(l, 0, l.length, set);
            return 0;
        });
        parts.put("portable engine candidates", l -> {
            set.clear();
            portableScan.candidates(l, 0, l.length, set);
            return 0;
        });
        parts.put("redactor, hyperscan", l -> hsRedactor.redact(l).outputLength());
        parts.put("redactor, portable", l -> portableRedactor.redact(l).outputLength());

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> best = new LinkedHashMap<>();
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, PerLine> e : parts.entrySet()) {
                PerLine f = e.getValue();
                long t0 = mx.getCurrentThreadCpuTime();
                for (byte[] l : lines) {
                    sink += f.run(l);
                }
                long cpu = mx.getCurrentThreadCpuTime() - t0;
                if (round >= WARMUP) {
                    best.merge(e.getKey(), cpu, Math::min);
                }
            }
        }
        System.out.printf(Locale.ROOT, "corpus %s: %d lines, %d B average%s%n", corpus, lines.size(),
                bytes / lines.size(), sink == 42 ? " " : "");
        best.forEach((what, cpu) -> System.out.printf(Locale.ROOT, "%-45s %6.0f ns/line %7.0f MB/CPU-s%n", what,
                (double) cpu / lines.size(), bytes / (cpu / 1e9) / 1e6));
    }

    private static RedactionPlan plan(EngineChoice choice) {
        return (RedactionPlan) Plans.compile(DetectionSettings.defaults().withEngine(choice));
    }

    /** The patterns as written, no flags, ids in order. */
    private static hs_database_t plain(List<String> patterns) {
        int[] ids = new int[patterns.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return HyperscanTools.compile(patterns, new int[ids.length], ids);
    }
}
