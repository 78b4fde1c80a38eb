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
import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_SINGLEMATCH;
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
 * Hyperscan through the raw {@code hs_scan} binding, for the patterns it is fast on; the class-led built-in patterns
 * go to a Java token pass instead. Measured per 200-byte line (benchmarks/RESULTS.md, "Hyperscan engine, branch
 * hyperscan"): the JNI call and copy are a small part; the catalog's class-led patterns (digit runs, upper-case codes:
 * no literal to anchor on, so Hyperscan runs them in its NFA engines) were nearly all of the scan.
 *
 * <ul>
 *   <li>{@link TokenNominator} nominates SSN, card, phone, NPI, IPv4/6, DEA, MBI, IBAN, VIN, street-address and
 *       plain e-mail patterns with the range their match ends fall in, from the line's alphanumeric tokens (and its
 *       {@code @} bytes); the context words of
 *       the detectors it covers entirely (bare SSN, phone, NPI) are looked for in Java, only when it nominated
 *       one.</li>
 *   <li>The rest (encoded e-mail, labels, HL7 fields, PO boxes, names, other context words, custom detectors) run
 *       in one
 *       block-mode database compiled without start-of-match tracking, so it answers "which patterns occur in this
 *       line, ending where" at full speed. The built-in ones are compiled without their leading boundary group
 *       ({@link #stripLeadingBoundaries}): a superset with the same match ends. Context words only gate their
 *       detector, so they are SINGLEMATCH. (SINGLEMATCH elsewhere would leave the last end unknown, and the exact
 *       matcher reading to the end of the line costs more than the callbacks: measured.)</li>
 * </ul>
 * Both add to the same {@link PatternSet}; the redactor then confirms exact spans between the first and last end
 * reported. The line is copied into a reused direct buffer (byte offsets, no String conversion, no JNI call for the
 * copy). Hyperscan runs in byte mode, where it agrees with RE2/J on ASCII text only, so lines with bytes >= 0x80 go
 * to the portable engine's prefilter instead, and patterns that cannot match ASCII text are left out. Patterns
 * Hyperscan will not compile even as prefilters are nominated on every line.
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

    /** The built-in catalog's patterns, whose leading boundary groups may be stripped (CandidateEnginesTest). */
    private static final java.util.Set<String> BUILT_IN = io.redactd.detectors.catalog.Catalog.builtIn().stream()
            .flatMap(s -> s.patterns().stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final hs_database_t database;
    /** The class-led catalog patterns, nominated in Java instead of by Hyperscan; null when the plan has none. */
    private final TokenNominator tokens;
    private final PortableEngine nonAscii;
    private final long[] alwaysOn;
    /**
     * Context words checked in Java, not by Hyperscan: those of detectors whose every pattern the token pass covers
     * (the bare SSN, phone and NPI forms). Their words only matter on a line where the token pass nominated such a
     * pattern, which is rare, so they are looked for only there instead of on every line by Hyperscan.
     */
    private final JavaContext[] javaContext;
    /** Frees the database once the plan and all its redactors are unreachable (plans have no close()). */
    private final Cleaner.Cleanable freeDatabase;

    HyperscanEngine(List<CompiledPattern> patterns, List<CompiledDetector> detectors, PortableEngine nonAscii) {
        this.nonAscii = nonAscii;
        int n = patterns.size();
        int[] flags = new int[n];
        boolean[] excluded = new boolean[n];
        this.tokens = TokenNominator.forPatterns(patterns, excluded);
        excludeNonAsciiOnly(patterns, excluded);
        this.javaContext = javaContext(patterns, detectors, excluded);
        String[] expressions = new String[n];
        for (CompiledPattern p : patterns) {
            String regex = p.regex();
            expressions[p.index()] = BUILT_IN.contains(regex)
                    ? trimLeadingRepeat(stripLeadingBoundaries(regex)) : regex;
            if (p.isContext()) {
                flags[p.index()] |= HS_FLAG_SINGLEMATCH; // only "does the line hold a context word" is read
            }
        }
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
            CompileResult r = compile(expressions, ids, flags);
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

    /**
     * Marks in {@code excluded} the patterns that cannot match ASCII text (full-width digits, say): only ASCII lines
     * reach Hyperscan (the others go to the portable engine), so they would never be reported, and Hyperscan's byte
     * mode would read their UTF-8 characters as unrelated bytes anyway.
     */
    private static void excludeNonAsciiOnly(List<CompiledPattern> patterns, boolean[] excluded) {
        for (CompiledPattern p : patterns) {
            if (p.isContext() || excluded[p.index()]) {
                continue;
            }
            try {
                if (!ByteRegex.matchesAscii(ByteRegex.parse(p.regex()))) {
                    excluded[p.index()] = true;
                }
            } catch (ByteRegex.Unsupported e) {
                // kept: Hyperscan (or "every line") decides
            }
        }
    }

    /**
     * A contextual detector's context pattern, its words (lower-case ASCII) and its other patterns, all covered by
     * the token pass (or unable to match an ASCII line).
     */
    private record JavaContext(int contextPattern, int[] patterns, byte[][] words) {
    }

    /**
     * The context patterns to check in Java (see {@link #javaContext}); marks them in {@code excluded}. Hyperscan
     * matches a context pattern {@code (?i)(?:w1|w2|...)} in byte mode exactly where an ASCII case-insensitive
     * substring search finds one of the words (ASCII lines only reach it), so words with a byte >= 0x80 stay in
     * Hyperscan.
     */
    private static JavaContext[] javaContext(List<CompiledPattern> patterns, List<CompiledDetector> detectors,
                                             boolean[] excluded) {
        List<JavaContext> out = new ArrayList<>();
        for (CompiledPattern cp : patterns) {
            if (!cp.isContext()) {
                continue;
            }
            CompiledDetector d = detectors.get(cp.detector());
            List<Integer> own = new ArrayList<>();
            boolean covered = true;
            for (CompiledPattern p : patterns) {
                if (p.detector() == d.index() && !p.isContext()) {
                    own.add(p.index());
                    covered &= excluded[p.index()];
                }
            }
            for (byte[] w : d.context()) {
                for (byte b : w) {
                    covered &= b >= 0;
                }
            }
            if (covered && !own.isEmpty()) {
                excluded[cp.index()] = true;
                out.add(new JavaContext(cp.index(), own.stream().mapToInt(Integer::intValue).toArray(), d.context()));
            }
        }
        return out.toArray(new JavaContext[0]);
    }

    /**
     * Drops the left-boundary groups {@code (?:^|[^...])} (also {@code (?:^|[^...]|[...])}) that start a match (at
     * the start of the pattern or of a branch of a group that does). The result matches wherever the pattern does
     * and ends at the same offsets (it
     * only forgets one byte of context before the match), so its match ends still bound every true match; without
     * those groups Hyperscan finds the label and e-mail literals about three times faster (measured:
     * HyperscanDatabaseProbe strip vs exact). Inside a repeated group nothing is stripped (a later pass does not start
     * the match). Applied to the built-in catalog's patterns, where CandidateEnginesTest checks the windows.
     */
    static String stripLeadingBoundaries(String regex) {
        StringBuilder out = new StringBuilder(regex.length());
        java.util.ArrayDeque<Boolean> groups = new java.util.ArrayDeque<>();
        boolean atStart = true;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            if (atStart && regex.startsWith("(?:^|[^", i)) {
                int close = classEnd(regex, i + 5);
                // more classes may follow ((?:^|[^A-Za-z]|[A-Za-z]), the e-mail patterns' "any character")
                while (close > 0 && close + 2 < n && regex.charAt(close + 1) == '|' && regex.charAt(close + 2) == '[') {
                    close = classEnd(regex, close + 2);
                }
                boolean quantified = close + 2 < n && "*+?{".indexOf(regex.charAt(close + 2)) >= 0;
                if (close > 0 && close + 1 < n && regex.charAt(close + 1) == ')' && !quantified) {
                    i = close + 2;
                    continue;
                }
            }
            if (c == '(') {
                int body = i + 1;
                if (body < n && regex.charAt(body) == '?') {
                    int k = body + 1;
                    while (k < n && Character.isLetter(regex.charAt(k))) {
                        k++;
                    }
                    if (k < n && regex.charAt(k) == ')') { // (?i): flags only, opens no group
                        out.append(regex, i, k + 1);
                        i = k + 1;
                        continue;
                    }
                    body = k + 1; // past (?:  or (?i:
                }
                int close = groupEnd(regex, i);
                boolean quantified = close < 0 || close + 1 < n && "*+?{".indexOf(regex.charAt(close + 1)) >= 0;
                atStart &= !quantified; // a repeated group's second pass does not start the match
                groups.push(atStart);
                out.append(regex, i, body);
                i = body;
                continue;
            }
            if (c == '|') {
                atStart = groups.isEmpty() || groups.peek();
                out.append(c);
                i++;
                continue;
            }
            if (c == ')') {
                if (!groups.isEmpty()) {
                    groups.pop();
                }
                atStart = false;
                out.append(c);
                i++;
                continue;
            }
            if (c == '^') {
                out.append(c);
                i++;
                continue;
            }
            int next = c == '\\' ? i + 2 : c == '[' ? classEnd(regex, i) + 1 : i + 1;
            if (next <= i) {
                return regex; // unbalanced class: leave the pattern as it is
            }
            out.append(regex, i, Math.min(next, n));
            i = next;
            atStart = false;
        }
        return out.toString();
    }

    /**
     * Shortens a repeated class that starts the (stripped) pattern, inside its leading capture group:
     * {@code ([a-z]{1,64}@...)} becomes {@code ([a-z]@...)}, {@code {m,n}} becomes {@code {m}}, {@code +} once. A
     * match of {@code X{k}Y} (k >= m) ends where the match of {@code X{m}Y} starting k - m bytes later does, and the
     * converse is a match with k = m, so both have the same match ends, which is all the engine reports. Hyperscan
     * scanned the e-mail pattern's {@code [A-Za-z0-9._%+-]{1,64}@} at a quarter of the whole database's time
     * (HyperscanPatternCosts); without the repeat it finds the {@code @} literal. Only when the group is not
     * repeated itself and the class is its first item; anything else is returned as it is.
     */
    static String trimLeadingRepeat(String regex) {
        if (!regex.startsWith("([") || groupEnd(regex, 0) < 0) {
            return regex;
        }
        int close = groupEnd(regex, 0);
        if (close + 1 < regex.length() && "*+?{".indexOf(regex.charAt(close + 1)) >= 0) {
            return regex; // the group repeats: a later pass does not start the match
        }
        int classClose = classEnd(regex, 1);
        if (classClose < 0 || classClose + 1 >= regex.length()) {
            return regex;
        }
        int q = classClose + 1;
        char c = regex.charAt(q);
        if (c == '+') {
            boolean plain = q + 1 >= regex.length() || "?+".indexOf(regex.charAt(q + 1)) < 0;
            return plain ? regex.substring(0, q) + regex.substring(q + 1) : regex;
        }
        if (c != '{') {
            return regex;
        }
        int rb = regex.indexOf('}', q);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\d+)(?:,(\\d*))?}").matcher(
                regex.substring(q, rb < 0 ? q : rb + 1));
        if (rb < 0 || !m.matches() || Integer.parseInt(m.group(1)) < 1
                || rb + 1 < regex.length() && "?+".indexOf(regex.charAt(rb + 1)) >= 0) { // lazy/possessive forms
            return regex;
        }
        int min = Integer.parseInt(m.group(1));
        return regex.substring(0, q) + (min == 1 ? "" : "{" + min + "}") + regex.substring(rb + 1);
    }

    /** Index of the ')' closing the group opened at {@code open}, or -1. */
    private static int groupEnd(String regex, int open) {
        int depth = 0;
        for (int k = open; k < regex.length(); k++) {
            char c = regex.charAt(k);
            if (c == '\\') {
                k++;
            } else if (c == '[') {
                k = classEnd(regex, k);
                if (k < 0) {
                    return -1;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    /** Index of the ']' closing the class opened at {@code open}, or -1. */
    private static int classEnd(String regex, int open) {
        int k = open + 1;
        if (k < regex.length() && regex.charAt(k) == '^') {
            k++;
        }
        if (k < regex.length() && regex.charAt(k) == ']') {
            k++; // a leading ] is a member
        }
        while (k < regex.length()) {
            char c = regex.charAt(k);
            if (c == '\\') {
                k += 2;
                continue;
            }
            if (c == ']') {
                return k;
            }
            k++;
        }
        return -1;
    }

    /** The compiled database (null when no pattern is left for Hyperscan): for benchmarks' cost breakdowns. */
    hs_database_t database() {
        return database;
    }

    /** The Java token pass, or null: for benchmarks' cost breakdowns. */
    TokenNominator tokens() {
        return tokens;
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

    private static CompileResult compile(String[] expressions, List<Integer> ids, int[] flags) {
        int n = ids.size();
        List<BytePointer> keep = new ArrayList<>();
        try (PointerPointer<BytePointer> exprs = new PointerPointer<>(n);
             IntPointer flagPtr = new IntPointer(n);
             IntPointer idPtr = new IntPointer(n);
             PointerPointer<hs_database_t> dbOut = new PointerPointer<>(1);
             PointerPointer<hs_compile_error_t> errOut = new PointerPointer<>(1)) {
            for (int i = 0; i < n; i++) {
                int id = ids.get(i);
                byte[] utf8 = expressions[id].getBytes(StandardCharsets.UTF_8);
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
        private final TokenNominator.Scan tokenScan;
        private final hs_scratch_t scratch;
        /** Native memory the line is copied into by a plain Java bulk put (no JNI call), and its pointer. */
        private java.nio.ByteBuffer direct;
        private BytePointer input;

        HsScan(HyperscanEngine engine) {
            this.engine = engine;
            this.nonAsciiScan = engine.nonAscii.newScan();
            this.tokenScan = engine.tokens == null ? null : engine.tokens.newScan();
            this.direct = java.nio.ByteBuffer.allocateDirect(4096);
            this.input = new BytePointer(direct);
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
            // the token pass finds non-ASCII bytes in its own eight-byte loop (no separate pass over the line)
            if (tokenScan != null ? !tokenScan.candidates(buf, off, len, out) : AsciiWords.hasNonAscii(buf, off, len)) {
                nonAsciiScan.candidates(buf, off, len, out);
                return;
            }
            for (JavaContext c : engine.javaContext) {
                for (int p : c.patterns()) {
                    if (out.contains(p)) {
                        if (AsciiWords.containsAny(buf, off, off + len, c.words())) {
                            out.add(c.contextPattern());
                        }
                        break;
                    }
                }
            }
            if (scratch == null) {
                return;
            }
            if (direct.capacity() < len) {
                direct = java.nio.ByteBuffer.allocateDirect(Math.max(len, direct.capacity() * 2));
                input = new BytePointer(direct);
            }
            direct.put(0, buf, off, len);
            TARGET.set(out);
            int rc = hs_scan(engine.database, input, len, 0, scratch, ON_MATCH, null);
            if (rc != HS_SUCCESS) {
                throw new IllegalStateException("hyperscan scan failed with code " + rc);
            }
        }
    }
}
