package io.redactd.benchmarks.detect;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hyperscan;
import com.gliwka.hyperscan.jni.match_event_handler;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_PREFILTER;
import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_SINGLEMATCH;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;

/**
 * How fast Hyperscan alone scans {@link LogCorpus} with one database (no RE2/J, no redaction), per CPU-second: the
 * tool behind the "Hyperscan candidate patterns" figures in RESULTS.md.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.detect.HyperscanDatabaseProbe MODE [FILE [CORPUS]]}
 * where MODE is a comma list of {@code strip} (drop each pattern's leading {@code (?:^|[^...])} boundary group),
 * {@code prefilter}, {@code single} (SINGLEMATCH), or {@code exact}; FILE holds one pattern per line (default: the
 * built-in catalog's patterns); CORPUS (third argument) is a {@link LogCorpus#named} corpus, logcorpus by default.
 */
public final class HyperscanDatabaseProbe {
    private static int callbacks;

    private HyperscanDatabaseProbe() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "exact";
        List<String> patterns = new ArrayList<>();
        if (args.length > 1) {
            patterns.addAll(Files.readAllLines(Path.of(args[1])));
        } else {
            Catalog.builtIn().stream().map(DetectorSpec::patterns).forEach(patterns::addAll);
        }
        Loader.load(hyperscan.class);
        int flags = (mode.contains("prefilter") ? HS_FLAG_PREFILTER : 0)
                | (mode.contains("single") ? HS_FLAG_SINGLEMATCH : 0);
        int n = patterns.size();
        List<BytePointer> keep = new ArrayList<>();
        PointerPointer<BytePointer> exprs = new PointerPointer<>(n);
        IntPointer flagPtr = new IntPointer(n);
        IntPointer ids = new IntPointer(n);
        for (int i = 0; i < n; i++) {
            String regex = mode.contains("strip") ? stripLeadingBoundary(patterns.get(i)) : patterns.get(i);
            BytePointer expr = new BytePointer(regex);
            keep.add(expr);
            exprs.put(i, expr);
            flagPtr.put(i, flags);
            ids.put(i, i);
        }
        PointerPointer<hs_database_t> db = new PointerPointer<>(1);
        PointerPointer<hs_compile_error_t> err = new PointerPointer<>(1);
        if (hyperscan.hs_compile_multi(exprs, flagPtr, ids, n, HS_MODE_BLOCK, null, db, err) != HS_SUCCESS) {
            hs_compile_error_t e = err.get(hs_compile_error_t.class);
            System.out.println("pattern " + e.expression() + " does not compile: " + e.message().getString());
            return;
        }
        hs_database_t database = db.get(hs_database_t.class);
        PointerPointer<hs_scratch_t> scratchOut = new PointerPointer<>(1);
        scratchOut.put(0, (Pointer) null);
        hyperscan.hs_alloc_scratch(database, scratchOut);
        hs_scratch_t scratch = scratchOut.get(hs_scratch_t.class);
        match_event_handler onMatch = new match_event_handler() {
            @Override
            public int call(int id, long from, long to, int f, Pointer context) {
                callbacks++;
                return 0;
            }
        };

        List<byte[]> lines = LogCorpus.named(args.length > 2 ? args[2] : "logcorpus", 20_000, 1);
        long bytes = lines.stream().mapToLong(l -> l.length).sum();
        BytePointer input = new BytePointer(1 << 16);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double best = 0;
        for (int round = 0; round < 8; round++) {
            callbacks = 0;
            long t0 = mx.getCurrentThreadCpuTime();
            for (byte[] l : lines) {
                input.position(0).put(l, 0, l.length);
                hyperscan.hs_scan(database, input, l.length, 0, scratch, onMatch, null);
            }
            best = Math.max(best, bytes / ((mx.getCurrentThreadCpuTime() - t0) / 1e9) / 1e6);
        }
        System.out.printf(Locale.ROOT, "%d patterns, mode %s: %.0f MB per CPU-second, %d match callbacks per pass%n",
                n, mode, best, callbacks);
        keep.forEach(Pointer::close);
    }

    private static String stripLeadingBoundary(String regex) {
        if (regex.startsWith("(?:^|[^")) {
            return regex.substring(regex.indexOf("])", 7) + 2);
        }
        return regex;
    }
}
