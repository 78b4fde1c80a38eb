package io.redactd.detectors.engine;

import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hyperscan;
import com.gliwka.hyperscan.jni.match_event_handler;
import io.redactd.benchmarks.detect.LogCorpus;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.redact.RedactionPlan;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What each pattern left to Hyperscan costs: the engine's database as built (boundaries stripped, context words
 * SINGLEMATCH), then the same database without one pattern, for each pattern in turn (ns of thread CPU per line,
 * minimum over interleaved rounds), and how many match callbacks each pattern makes per 1,000 lines.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.redactd.detectors.engine.HyperscanPatternCosts [CORPUS [IDS]]}
 * where IDS is a comma list of detector ids whose patterns are measured in Hyperscan even if the token pass covers
 * them (what they cost there). The context-word patterns are all included, whether or not the engine now checks
 * some of them in Java.
 */
public final class HyperscanPatternCosts {
    private static final int ROUNDS = 10;
    private static final int WARMUP = 3;
    private static long[] perId;

    private HyperscanPatternCosts() {
    }

    public static void main(String[] args) {
        String corpus = args.length > 0 ? args[0] : "logcorpus";
        List<byte[]> lines = LogCorpus.named(corpus, 20_000, 1);
        RedactionPlan plan = (RedactionPlan) Plans.compile(DetectionSettings.defaults().withEngine(EngineChoice.HYPERSCAN));
        CompiledPattern[] patterns = (CompiledPattern[]) HyperscanTools.field(plan, "patterns");
        Set<String> builtIn = Catalog.builtIn().stream().flatMap(s -> s.patterns().stream())
                .collect(Collectors.toSet());
        boolean[] claimed = new boolean[patterns.length];
        TokenNominator.forPatterns(List.of(patterns), claimed);
        Set<String> inHyperscan = args.length > 1 ? Set.of(args[1].split(",")) : Set.of();
        List<io.redactd.detectors.engine.CompiledDetector> detectors = List.of(
                (io.redactd.detectors.engine.CompiledDetector[]) HyperscanTools.field(plan, "detectors"));
        for (CompiledPattern p : patterns) {
            if (inHyperscan.contains(detectors.get(p.detector()).id())) {
                claimed[p.index()] = false;
            }
        }
        List<Integer> ids = new ArrayList<>();
        for (CompiledPattern p : patterns) {
            if (!claimed[p.index()]) {
                ids.add(p.index());
            }
        }
        perId = new long[patterns.length];
        match_event_handler count = new match_event_handler() {
            @Override
            public int call(int id, long from, long to, int f, Pointer context) {
                perId[id]++;
                return 0;
            }
        };
        BytePointer input = new BytePointer(1 << 16);
        List<hs_database_t> dbs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        dbs.add(compile(patterns, builtIn, ids, -1));
        names.add("all " + ids.size() + " Hyperscan patterns");
        for (int leave : ids) {
            dbs.add(compile(patterns, builtIn, ids, leave));
            names.add("without " + leave + " " + abbreviate(patterns[leave].regex()));
        }
        hs_scratch_t scratch = null;
        for (hs_database_t db : dbs) {
            scratch = HyperscanTools.scratch(db, scratch);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] best = new long[dbs.size()];
        java.util.Arrays.fill(best, Long.MAX_VALUE);
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < dbs.size(); k++) {
                hs_database_t db = dbs.get(k);
                if (round == 0 && k == 0) {
                    java.util.Arrays.fill(perId, 0);
                }
                long t0 = mx.getCurrentThreadCpuTime();
                for (byte[] l : lines) {
                    input.position(0).put(l, 0, l.length);
                    hyperscan.hs_scan(db, input, l.length, 0, scratch, count, null);
                }
                long cpu = mx.getCurrentThreadCpuTime() - t0;
                if (round >= WARMUP) {
                    best[k] = Math.min(best[k], cpu);
                }
                if (round == 0 && k == 0) {
                    for (int id : ids) {
                        System.out.printf(Locale.ROOT, "callbacks per 1,000 lines, %3d %-60s %8.1f%n", id,
                                abbreviate(patterns[id].regex()), perId[id] * 1000.0 / lines.size());
                    }
                }
            }
        }
        for (int k = 0; k < dbs.size(); k++) {
            System.out.printf(Locale.ROOT, "%-75s %6.0f ns/line%n", names.get(k), (double) best[k] / lines.size());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static hs_database_t compile(CompiledPattern[] patterns, Set<String> builtIn, List<Integer> ids,
                                         int leave) {
        List<Integer> use = new ArrayList<>(ids);
        use.remove(Integer.valueOf(leave));
        List<String> exprs = new ArrayList<>(use.size());
        int[] flags = new int[use.size()];
        int[] idArray = new int[use.size()];
        for (int i = 0; i < use.size(); i++) {
            CompiledPattern p = patterns[use.get(i)];
            exprs.add(builtIn.contains(p.regex())
                    ? HyperscanEngine.trimLeadingRepeat(HyperscanEngine.stripLeadingBoundaries(p.regex())) : p.regex());
            flags[i] = p.isContext() ? hyperscan.HS_FLAG_SINGLEMATCH : 0;
            idArray[i] = p.index();
        }
        return HyperscanTools.compile(exprs, flags, idArray);
    }
}
