package io.redactd.detectors.engine;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.match_event_handler;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static com.gliwka.hyperscan.jni.hyperscan.HS_COMPILER_ERROR;
import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_PREFILTER;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;
import static com.gliwka.hyperscan.jni.hyperscan.hs_alloc_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_compile_multi;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_compile_error;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_database;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_scan;
import static com.gliwka.hyperscan.jni.hyperscan.hs_valid_platform;

/**
 * Hyperscan through the raw {@code hs_scan} binding: all patterns in one block-mode database compiled without
 * start-of-match tracking, so it answers "which patterns occur in this line, ending where" at full speed; RE2/J then
 * finds the exact spans of those few, between the first and last end reported. (SINGLEMATCH would save callbacks but
 * leave the last end unknown, and RE2/J reading to the end of the line costs more than the callbacks: measured.) The line is copied into a reused native buffer (byte offsets, no
 * String conversion). Hyperscan runs in byte mode, where it agrees with RE2/J on ASCII text only, so lines with bytes
 * >= 0x80 go to the portable engine's prefilter instead. Patterns Hyperscan will not compile even as prefilters
 * are nominated on every line.
 */
final class HyperscanEngine implements CandidateEngine {
    private static final Logger LOG = LoggerFactory.getLogger(HyperscanEngine.class);
    private static final Cleaner CLEANER = Cleaner.create();
    private static final String UNAVAILABLE = probe();
    /** The scan running on this thread; the native callback adds to it (callbacks run on the scanning thread). */
    private static final ThreadLocal<PatternSet> TARGET = new ThreadLocal<>();
    private static final match_event_handler ON_MATCH = UNAVAILABLE != null ? null : new match_event_handler() {
        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            TARGET.get().addEnd(id, (int) to);
            return 0;
        }
    };

    private final hs_database_t database;
    private final PortableEngine nonAscii;
    private final long[] alwaysOn;
    /** Frees the database once the plan and all its redactors are unreachable (plans have no close()). */
    private final Cleaner.Cleanable freeDatabase;

    HyperscanEngine(List<CompiledPattern> patterns, List<CompiledDetector> detectors, PortableEngine nonAscii) {
        this.nonAscii = nonAscii;
        int n = patterns.size();
        int[] flags = new int[n];
        boolean[] excluded = new boolean[n];
        PatternSet always = new PatternSet(n);
        hs_database_t db = null;
        while (db == null) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!excluded[i]) {
                    ids.add(i);
                }
            }
            if (ids.isEmpty()) {
                break;
            }
            CompileResult r = compile(patterns, ids, flags);
            if (r.database != null) {
                db = r.database;
            } else {
                int bad = ids.get(r.failedExpression);
                if ((flags[bad] & HS_FLAG_PREFILTER) == 0) {
                    flags[bad] |= HS_FLAG_PREFILTER; // a superset is all a candidate finder needs
                } else {
                    excluded[bad] = true;
                    always.add(bad);
                    LOG.warn("detector {} pattern {}: hyperscan cannot compile it ({}); it runs on every line",
                            detectors.get(patterns.get(bad).detector()).id(), bad, r.message);
                }
            }
        }
        this.database = db;
        hs_database_t toFree = db;
        this.freeDatabase = db == null ? null : CLEANER.register(this, () -> hs_free_database(toFree));
        this.alwaysOn = always.isEmpty() ? null : always.toWords();
    }

    /** Null when Hyperscan can run here, else why not (no input data in it). */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    private static String probe() {
        try {
            Loader.load(com.gliwka.hyperscan.jni.hyperscan.class);
            if (hs_valid_platform() != HS_SUCCESS) {
                return "CPU lacks SSSE3";
            }
            return null;
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError...: any of them means "not here"
            return "native library did not load: " + t.getClass().getSimpleName();
        }
    }

    private record CompileResult(hs_database_t database, int failedExpression, String message) {
    }

    private static CompileResult compile(List<CompiledPattern> patterns, List<Integer> ids, int[] flags) {
        int n = ids.size();
        List<BytePointer> keep = new ArrayList<>();
        try (PointerPointer<BytePointer> exprs = new PointerPointer<>(n);
             IntPointer flagPtr = new IntPointer(n);
             IntPointer idPtr = new IntPointer(n);
             PointerPointer<hs_database_t> dbOut = new PointerPointer<>(1);
             PointerPointer<hs_compile_error_t> errOut = new PointerPointer<>(1)) {
            for (int i = 0; i < n; i++) {
                int id = ids.get(i);
                byte[] utf8 = patterns.get(id).regex().getBytes(StandardCharsets.UTF_8);
                BytePointer expr = new BytePointer(utf8.length + 1L);
                expr.put(utf8, 0, utf8.length).put(utf8.length, (byte) 0);
                keep.add(expr);
                exprs.put(i, expr);
                flagPtr.put(i, flags[id]);
                idPtr.put(i, id);
            }
            int rc = hs_compile_multi(exprs, flagPtr, idPtr, n, HS_MODE_BLOCK, null, dbOut, errOut);
            if (rc == HS_SUCCESS) {
                return new CompileResult(dbOut.get(hs_database_t.class), -1, null);
            }
            hs_compile_error_t err = errOut.get(hs_compile_error_t.class);
            if (rc != HS_COMPILER_ERROR || err == null || err.isNull()) {
                throw new IllegalStateException("hyperscan compile failed with code " + rc);
            }
            int failed = err.expression();
            String message = err.message() == null ? "?" : err.message().getString();
            hs_free_compile_error(err);
            if (failed < 0) {
                throw new IllegalStateException("hyperscan cannot compile the pattern set: " + message);
            }
            return new CompileResult(null, failed, message);
        } finally {
            keep.forEach(Pointer::close);
        }
    }

    @Override
    public String name() {
        return "hyperscan";
    }

    @Override
    public Scan newScan() {
        return new HsScan(this);
    }

    @Override
    public void close() {
        if (freeDatabase != null) {
            freeDatabase.clean(); // runs at most once
        }
    }

    /** One thread's scratch space and native input buffer. */
    private static final class HsScan implements Scan {
        private final HyperscanEngine engine;
        private final CandidateEngine.Scan nonAsciiScan;
        private final hs_scratch_t scratch;
        private BytePointer input;

        HsScan(HyperscanEngine engine) {
            this.engine = engine;
            this.nonAsciiScan = engine.nonAscii.newScan();
            this.input = new BytePointer(4096);
            if (engine.database == null) {
                scratch = null;
                return;
            }
            try (PointerPointer<hs_scratch_t> out = new PointerPointer<>(1)) {
                out.put(0, (Pointer) null);
                int rc = hs_alloc_scratch(engine.database, out);
                if (rc != HS_SUCCESS) {
                    throw new IllegalStateException("hyperscan scratch allocation failed with code " + rc);
                }
                scratch = out.get(hs_scratch_t.class);
            }
            hs_scratch_t s = scratch;
            CLEANER.register(this, () -> hs_free_scratch(s));
        }

        @Override
        public void candidates(byte[] buf, int off, int len, PatternSet out) {
            if (engine.alwaysOn != null) {
                out.addAll(engine.alwaysOn);
            }
            if (hasNonAscii(buf, off, len)) {
                nonAsciiScan.candidates(buf, off, len, out);
                return;
            }
            if (scratch == null) {
                return;
            }
            if (input.capacity() < len) {
                input.close();
                input = new BytePointer(Math.max(len, input.capacity() * 2));
            }
            input.position(0).put(buf, off, len);
            TARGET.set(out);
            int rc = hs_scan(engine.database, input, len, 0, scratch, ON_MATCH, null);
            if (rc != HS_SUCCESS) {
                throw new IllegalStateException("hyperscan scan failed with code " + rc);
            }
        }

        private static boolean hasNonAscii(byte[] buf, int off, int len) {
            for (int i = off, end = off + len; i < end; i++) {
                if (buf[i] < 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
