package io.redactd.detectors.redact;

import com.google.re2j.Matcher;
import io.redactd.detectors.engine.AsciiRegex;
import io.redactd.detectors.engine.CandidateEngine;
import io.redactd.detectors.engine.CompiledDetector;
import io.redactd.detectors.engine.CompiledPattern;
import io.redactd.detectors.engine.AsciiWords;
import io.redactd.detectors.engine.PatternSet;
import io.redactd.detectors.engine.StartBounds;

import java.util.Arrays;

/**
 * Finds the values to redact in one byte range: engine candidates, then RE2/J for exact spans, then the validator,
 * then context words, then overlap resolution. Per thread; results are valid until the next call.
 */
final class SpanFinder {
    private final CompiledDetector[] detectors;
    private final CompiledPattern[] patterns;
    private final CandidateEngine.Scan scan;
    private final StartBounds.Scan searchStarts;
    /** The current line's nominations; {@link #second} holds the second line's of {@link #nominatePair}. */
    private PatternSet candidates;
    private PatternSet second;
    private final Matcher[] matchers;
    /** Per pattern, the exact ASCII matcher's program, or null: RE2/J only. */
    private final AsciiRegex[] exact;
    private final AsciiRegex.Matcher exactMatcher = new AsciiRegex.Matcher();
    private final int[] contextPatternOf;

    // raw candidate spans, then the accepted ones (sorted by start)
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int[] owners = new int[16];
    private int rawCount;
    private int[] order = new int[16];
    private int[] accepted = new int[16];
    private int acceptedCount;
    private byte[] text;
    private final byte[][] bySize = new byte[1025][];

    SpanFinder(RedactionPlan plan) {
        this.detectors = plan.detectors;
        this.patterns = plan.patterns;
        this.scan = plan.engine.newScan();
        this.searchStarts = plan.startBounds.newScan();
        this.candidates = new PatternSet(patterns.length);
        this.second = new PatternSet(patterns.length);
        this.matchers = new Matcher[patterns.length];
        this.exact = plan.exact;
        this.contextPatternOf = plan.contextPatternOf;
    }

    /**
     * Scans two ranges in one engine pass (cheaper than two with the portable engine): the first one's nominations
     * become current, the second's wait for {@link #useSecond}. Calls to {@code find} in between leave them alone.
     */
    void nominatePair(byte[] a, int offA, int lenA, byte[] b, int offB, int lenB) {
        candidates.clear();
        second.clear();
        scan.candidatesPair(a, offA, lenA, candidates, b, offB, lenB, second);
    }

    /** Makes the second range of the last {@link #nominatePair} current, for {@code find(..., true)}. */
    void useSecond() {
        PatternSet first = candidates;
        candidates = second;
        second = first;
    }

    /**
     * Finds spans in {@code buf[off, off+len)}; returns how many were accepted. Offsets are relative to {@code off}.
     * {@code nominated}: the engine has already scanned the range (the first range of {@link #nominatePair}, or the
     * second after {@link #useSecond}), so its nominations are used as they are. One method for both, and no
     * convenience overload, keeps this one C2 compile unit: with a second entry point C2 compiled the confirmation
     * once per entry (two units of ~40 KB, or inlined into callers, 50-56 KB).
     */
    int find(byte[] buf, int off, int len, boolean nominated) {
        rawCount = 0;
        acceptedCount = 0;
        if (!(nominated ? worthConfirming() : nominate(buf, off, len))) {
            return 0;
        }
        boolean ascii = prepare(buf, off, len);
        for (int p = candidates.next(0); p >= 0; p = candidates.next(p + 1)) {
            CompiledPattern pattern = patterns[p];
            CompiledDetector d = detectors[pattern.detector()];
            if (pattern.isContext()) {
                continue;
            }
            if (d.contextRequired() && !hasContext(d)) {
                continue;
            }
            int from = searchStarts.searchFrom(pattern, candidates, text);
            if (ascii && exact[p] != null && exact[p].fits(text.length - from)) {
                findExact(p, d, from);
            } else {
                findRe2(p, pattern, d, from);
            }
        }
        resolveOverlaps();
        return acceptedCount;
    }

    /*
     * The parts of find() below are separate methods so that C2 compiles find() as a small unit: inlined, the RE2/J
     * path and the text preparation tripled its code, and it was compiled again after each deoptimization in any of
     * them.
     */

    /** Sets {@link #text} to the range (copied unless it is all of buf), made valid UTF-8; true when it is ASCII. */
    private boolean prepare(byte[] buf, int off, int len) {
        text = off == 0 && len == buf.length ? buf : exactCopy(buf, off, len);
        int invalid = Utf8.firstInvalid(text, 0, text.length);
        if (invalid >= 0) {
            if (text == buf) {
                text = buf.clone();
            }
            Utf8.sanitize(text, invalid);
        }
        return !AsciiWords.hasNonAscii(text, 0, text.length);
    }

    /** Pattern p's spans from RE2/J (non-ASCII text, or a pattern outside {@link AsciiRegex}'s subset). */
    private void findRe2(int p, CompiledPattern pattern, CompiledDetector d, int from) {
        Matcher m = matchers[p];
        if (m == null) {
            m = pattern.re2().matcher(text);
            matchers[p] = m;
        } else {
            m.reset(text);
        }
        int group = d.valueGroup();
        // Every true match ends in [firstEnd, lastEnd] (the engines report where a match, or a wider one, ended)
        // and starts at or after searchFrom, so RE2/J reads that stretch of the line instead of all of it, with
        // the same result.
        int lastEnd = candidates.lastEnd(p);
        boolean found = m.find(from);
        for (; found; found = next(m, group, lastEnd)) {
            int s = m.start(group);
            int e = m.end(group);
            if (s < 0 || e <= s || !d.validator().valid(text, s, e)) {
                continue;
            }
            if (d.contextRequired()
                    && !AsciiWords.containsAny(text, Math.max(0, s - d.contextWindow()), s, d.context())) {
                continue;
            }
            addRaw(s, e, d.index());
        }
    }

    /**
     * RE2/J's next match: from the match's end, or from its value's end when the match consumed a boundary after the
     * value (an underscore, {@code 123-45-6789_}), so that the boundary can also start the next value
     * ({@code 123-45-6789_987-65-4321}). Never at or before the match's start.
     */
    private boolean next(Matcher m, int group, int lastEnd) {
        int resume = resumeAt(text, m.start(), m.end(), m.end(group));
        if (resume >= lastEnd) {
            return false;
        }
        return resume == m.end() ? m.find() : m.find(resume);
    }

    /**
     * Where the next search starts after a match [start, end) whose value ended at valueEnd (-1: none): at the match's
     * end, unless all the match holds after the value is one underscore (the catalog's numbers' right boundary) or
     * one ASCII letter (a card glued to words on both sides, {@code x<card>y<card>z}: the {@code y} also starts the
     * second). DOB's consumed {@code T} is a letter too, and no DOB pattern can start on it, so its matches are
     * unchanged; a custom pattern whose match ends one letter after its value resumes there as well.
     */
    static int resumeAt(byte[] text, int start, int end, int valueEnd) {
        if (valueEnd <= start || valueEnd != end - 1) {
            return end;
        }
        byte b = text[valueEnd];
        return b == '_' || (b | 0x20) >= 'a' && (b | 0x20) <= 'z' ? valueEnd : end;
    }

    /**
     * The same spans as the RE2/J loop above, from {@link AsciiRegex} (ASCII text only): RE2/J's {@code find(from)},
     * then a search from each match's end (or its value's end, see {@link #next}) while that is before lastEnd. A match cannot start after lastEnd
     * (every match ends by then and none is empty), so starts are tried up to there only.
     */
    private void findExact(int p, CompiledDetector d, int from) {
        AsciiRegex re = exact[p];
        AsciiRegex.Matcher m = exactMatcher;
        int group = d.valueGroup();
        int lastEnd = Math.min(candidates.lastEnd(p), text.length);
        boolean found = m.find(re, text, from, lastEnd, group != 0);
        while (found) {
            int s = m.start(group);
            int e = m.end(group);
            int resume = resumeAt(text, m.start(0), m.end(0), e);
            if (s >= 0 && e > s && d.validator().valid(text, s, e) && (!d.contextRequired()
                    || AsciiWords.containsAny(text, Math.max(0, s - d.contextWindow()), s, d.context()))) {
                addRaw(s, e, d.index());
            }
            found = resume < lastEnd && m.find(re, text, resume, lastEnd, group != 0);
        }
    }

    /**
     * RE2/J reads a whole array, so the range is copied into a reused array of exactly its length: a look-alike line
     * (nominated, then rejected by RE2/J or a validator) allocates nothing either.
     */
    private byte[] exactCopy(byte[] buf, int off, int len) {
        if (len >= bySize.length) {
            return Arrays.copyOfRange(buf, off, off + len);
        }
        byte[] copy = bySize[len];
        if (copy == null) {
            copy = new byte[len];
            bySize[len] = copy;
        }
        System.arraycopy(buf, off, copy, 0, len);
        return copy;
    }

    /**
     * Runs the engine over the range; true when some pattern that could produce a span was nominated (its detector's
     * context words included, when it needs them). False means the range is clean, without running RE2/J.
     */
    private boolean nominate(byte[] buf, int off, int len) {
        candidates.clear();
        scan.candidates(buf, off, len, candidates);
        return worthConfirming();
    }

    /** Whether a nominated pattern could produce a span (its detector's context words seen, when it needs them). */
    private boolean worthConfirming() {
        for (int p = candidates.next(0); p >= 0; p = candidates.next(p + 1)) {
            CompiledPattern pattern = patterns[p];
            if (!pattern.isContext() && hasContext(detectors[pattern.detector()])) {
                return true;
            }
        }
        return false;
    }

    /** Whether the engine saw one of the detector's context words in the line. */
    private boolean hasContext(CompiledDetector d) {
        int cp = contextPatternOf[d.index()];
        return cp < 0 || candidates.contains(cp);
    }

    /** The bytes the offsets refer to (the range copied, or the input itself). */
    byte[] text() {
        return text;
    }

    int start(int i) {
        return starts[accepted[i]];
    }

    int end(int i) {
        return ends[accepted[i]];
    }

    CompiledDetector detector(int i) {
        return detectors[owners[accepted[i]]];
    }

    private void addRaw(int s, int e, int owner) {
        if (rawCount == starts.length) {
            int n = rawCount * 2;
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            owners = Arrays.copyOf(owners, n);
            order = new int[n];
            accepted = new int[n];
        }
        starts[rawCount] = s;
        ends[rawCount] = e;
        owners[rawCount] = owner;
        rawCount++;
    }

    /** Greedy by rank: longest, then highest priority, then earliest, then catalog order. Deterministic. */
    private void resolveOverlaps() {
        if (rawCount <= 1) { // most lines: nothing to order (the loops below are then not run, nor profiled)
            if (rawCount == 1) {
                accepted[0] = 0;
                acceptedCount = 1;
            }
            return;
        }
        resolveSeveral();
    }

    private void resolveSeveral() {
        for (int i = 0; i < rawCount; i++) {
            order[i] = i;
        }
        // Insertion sorts (a handful of spans per line), each element placed after every element not ranked below
        // it (stable). The position is searched upwards from 0: the downward search loop made C2 deoptimize find()
        // (a loop limit check), which it then compiled again, with everything inlined into it.
        for (int i = 1; i < rawCount; i++) {
            int x = order[i];
            int p = 0;
            while (p < i && !before(x, order[p])) {
                p++;
            }
            System.arraycopy(order, p, order, p + 1, i - p);
            order[p] = x;
        }
        for (int k = 0; k < rawCount; k++) {
            int c = order[k];
            boolean free = true;
            for (int a = 0; a < acceptedCount && free; a++) {
                int o = accepted[a];
                free = ends[c] <= starts[o] || ends[o] <= starts[c];
            }
            if (free) {
                accepted[acceptedCount++] = c;
            }
        }
        for (int i = 1; i < acceptedCount; i++) {
            int x = accepted[i];
            int p = 0;
            while (p < i && starts[accepted[p]] <= starts[x]) {
                p++;
            }
            System.arraycopy(accepted, p, accepted, p + 1, i - p);
            accepted[p] = x;
        }
    }

    private boolean before(int a, int b) {
        int la = ends[a] - starts[a];
        int lb = ends[b] - starts[b];
        if (la != lb) {
            return la > lb;
        }
        int pa = detectors[owners[a]].priority();
        int pb = detectors[owners[b]].priority();
        if (pa != pb) {
            return pa > pb;
        }
        if (starts[a] != starts[b]) {
            return starts[a] < starts[b];
        }
        return owners[a] < owners[b];
    }
}
