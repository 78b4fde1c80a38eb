package io.redactd.benchmarks.detect;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hyperscan;
import com.gliwka.hyperscan.jni.match_event_handler;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;

/**
 * Where the Hyperscan engine's time goes per line, in nanoseconds of the measuring thread's CPU time per line
 * (best of 8 passes over the corpus, after 3 warm-up passes): copying the line into native memory, one JNI
 * {@code hs_scan} call on an empty input and on a one-literal database (the fixed cost of a call), the catalog
 * database with no callback and with a no-op callback (the scan; the callbacks), and the whole redactor per engine.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.detect.HyperscanCostBreakdown [CORPUS]}
 */
public final class HyperscanCostBreakdown {
    private static long callbacks;

    private HyperscanCostBreakdown() {
    }

    interface PerLine {
        long run(byte[] line);
    }

    public static void main(String[] args) {
        String corpus = args.length > 0 ? args[0] : "logcorpus";
        List<byte[]> lines = LogCorpus.named(corpus, 20_000, 1);
        long bytes = lines.stream().mapToLong(l -> l.length).sum();
        Loader.load(hyperscan.class);
        List<String> catalog = new ArrayList<>();
        Catalog.builtIn().stream().map(DetectorSpec::patterns).forEach(catalog::addAll);
        hs_database_t exact = compile(catalog);
        hs_database_t literal = compile(List.of("zqxjzqxjzq"));
        hs_scratch_t scratch = scratch(exact, null);
        scratch = scratch(literal, scratch);
        match_event_handler onMatch = new match_event_handler() {
            @Override
            public int call(int id, long from, long to, int f, Pointer context) {
                callbacks++;
                return 0;
            }
        };
        BytePointer input = new BytePointer(1 << 16);
        hs_scratch_t s = scratch;
        System.out.printf(Locale.ROOT, "corpus %s: %d lines, %d B average%n", corpus, lines.size(),
                bytes / lines.size());
        measure("copy into native memory", lines, bytes, l -> {
            input.position(0).put(l, 0, l.length);
            return 0;
        });
        measure("hs_scan JNI call, empty input", lines, bytes,
                l -> hyperscan.hs_scan(literal, input, 0, 0, s, onMatch, null));
        measure("copy + hs_scan, one-literal db", lines, bytes, l -> {
            input.position(0).put(l, 0, l.length);
            return hyperscan.hs_scan(literal, input, l.length, 0, s, onMatch, null);
        });
        measure("copy + hs_scan, catalog db, no callback", lines, bytes, l -> {
            input.position(0).put(l, 0, l.length);
            return hyperscan.hs_scan(exact, input, l.length, 0, s, null, null);
        });
        measure("copy + hs_scan, catalog db, no-op callback", lines, bytes, l -> {
            input.position(0).put(l, 0, l.length);
            return hyperscan.hs_scan(exact, input, l.length, 0, s, onMatch, null);
        });
        for (String engine : new String[] {"hyperscan", "portable"}) {
            DetectionSettings d = DetectionSettings.defaults();
            DetectionPlan plan = DetectionPlan.compile(new DetectionSettings(
                    EngineChoice.valueOf(engine.toUpperCase(Locale.ROOT)), d.enabledTypes(), d.disabledTypes(),
                    d.actions(), d.custom(), d.fieldRules(), d.tokenKey(), d.tokenKeyId()));
            Redactor r = plan.newRedactor();
            measure("redactor, " + engine, lines, bytes, l -> r.redact(l).outputLength());
        }
    }

    private static void measure(String what, List<byte[]> lines, long bytes, PerLine f) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        long sink = 0;
        long calls = 0;
        for (int round = 0; round < 11; round++) {
            callbacks = 0;
            long t0 = mx.getCurrentThreadCpuTime();
            for (byte[] l : lines) {
                sink += f.run(l);
            }
            long cpu = mx.getCurrentThreadCpuTime() - t0;
            calls = callbacks;
            if (round >= 3) {
                best = Math.min(best, cpu);
            }
        }
        System.out.printf(Locale.ROOT, "%-45s %7.0f ns/line %8.0f MB/CPU-s  %d callbacks/pass%s%n", what,
                (double) best / lines.size(), bytes / (best / 1e9) / 1e6, calls, sink == 42 ? " " : "");
    }

    private static hs_database_t compile(List<String> patterns) {
        int n = patterns.size();
        PointerPointer<BytePointer> exprs = new PointerPointer<>(n);
        IntPointer flags = new IntPointer(n);
        IntPointer ids = new IntPointer(n);
        for (int i = 0; i < n; i++) {
            exprs.put(i, new BytePointer(patterns.get(i)));
            flags.put(i, 0);
            ids.put(i, i);
        }
        PointerPointer<hs_database_t> db = new PointerPointer<>(1);
        PointerPointer<hs_compile_error_t> err = new PointerPointer<>(1);
        if (hyperscan.hs_compile_multi(exprs, flags, ids, n, HS_MODE_BLOCK, null, db, err) != HS_SUCCESS) {
            throw new IllegalStateException("compile failed: " + err.get(hs_compile_error_t.class).message().getString());
        }
        return db.get(hs_database_t.class);
    }

    private static hs_scratch_t scratch(hs_database_t db, hs_scratch_t existing) {
        PointerPointer<hs_scratch_t> out = new PointerPointer<>(1);
        out.put(0, existing);
        if (hyperscan.hs_alloc_scratch(db, out) != HS_SUCCESS) {
            throw new IllegalStateException("scratch");
        }
        return out.get(hs_scratch_t.class);
    }
}
