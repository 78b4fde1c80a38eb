package io.redactd.detectors.redact;

import io.redactd.detectors.Action;
import io.redactd.detectors.DetectionException;
import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.engine.AsciiWords;
import io.redactd.detectors.engine.CompiledDetector;

/**
 * The per-thread redactor. A line that is a JSON object goes through {@link JsonLineRedactor}; any other line is
 * redacted as text. A clean line costs one engine pass and allocates nothing.
 */
public final class LineRedactor implements Redactor {
    /**
     * The largest event (line) detection accepts, in bytes. Longer ones are refused (fail closed) rather than scanned:
     * they are not log lines. Public so that input limits can be checked against it: a line an input accepts beyond
     * this would be read, then dropped as a detection error.
     */
    public static final int MAX_EVENT_BYTES = 1 << 20;
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final RedactionPlan plan;
    private final SpanFinder finder;
    private final Replacements replacements;
    private final ByteBuf out = new ByteBuf(512);
    private final MutableLineResult result = new MutableLineResult();
    private JsonLineRedactor json;
    // the second line of the last redactPair, until redactSecond
    private boolean pending;
    private byte[] pendingLine;
    private int pendingOff;
    private int pendingLen;
    private boolean pendingScanned;
    /** The paired scan threw (an engine bug): the class name, and both lines of the pair fail with it. */
    private String pendingFailure;

    LineRedactor(RedactionPlan plan) {
        this.plan = plan;
        this.finder = new SpanFinder(plan);
        this.replacements = new Replacements(plan.tokenKey, plan.tokenKeyId);
    }

    @Override
    public LineResult redact(byte[] line, int off, int len) {
        check(line, off, len);
        return redactGuarded(line, off, len, false);
    }

    @Override
    public LineResult redactPair(byte[] first, int off, int len, byte[] second, int secondOff, int secondLen) {
        // Recorded before the first line is checked: when it is refused, redactSecond still serves the second.
        pending = true;
        pendingLine = second;
        pendingOff = secondOff;
        pendingLen = secondLen;
        pendingScanned = false;
        pendingFailure = null;
        check(first, off, len);
        if (validRange(second, secondOff, secondLen) && secondLen <= MAX_EVENT_BYTES) {
            pendingFailure = nominatePair(first, off, len, second, secondOff, secondLen);
            if (pendingFailure != null) {
                throw engineFailed(pendingFailure);
            }
            pendingScanned = true;
        } // else redactSecond reports the second line's problem
        // Each entry point calls redactGuarded once: C2 then compiles the redaction as one unit, not a copy per path.
        return redactGuarded(first, off, len, pendingScanned);
    }

    /**
     * The paired scan; null when it worked, else the failure's class name. A failed scan fails both lines (fail
     * closed): scanning them again one by one could run on an engine state the failure left half updated and nominate
     * too little, and would hide the fault from the drop counters.
     */
    private String nominatePair(byte[] first, int off, int len, byte[] second, int secondOff, int secondLen) {
        try {
            finder.nominatePair(first, off, len, second, secondOff, secondLen);
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            return e.getClass().getSimpleName();
        }
    }

    /** No cause attached: library messages may quote the input. */
    private static DetectionException engineFailed(String failure) {
        return new DetectionException("detection failed with " + failure + "; the event must be dropped");
    }

    @Override
    public void abandonPair() {
        pending = false;
        pendingLine = null;
        pendingFailure = null;
    }

    @Override
    public LineResult redactSecond() {
        if (!pending) {
            throw new IllegalStateException("redactSecond() without a pending redactPair()");
        }
        pending = false;
        byte[] line = pendingLine;
        pendingLine = null; // do not keep the caller's bytes alive
        if (pendingFailure != null) {
            String failure = pendingFailure;
            pendingFailure = null;
            throw engineFailed(failure);
        }
        if (pendingScanned) {
            finder.useSecond();
        } else {
            check(line, pendingOff, pendingLen); // not scanned: as redact() of it
        }
        return redactGuarded(line, pendingOff, pendingLen, pendingScanned);
    }

    @Override
    public LineResult redactRegion(byte[] buf, int contextStart, int contextEnd, int regionStart, int regionEnd) {
        if (buf == null || contextStart < 0 || contextStart > regionStart || regionStart > regionEnd
                || regionEnd > contextEnd || contextEnd > buf.length) {
            throw new DetectionException("invalid region: context " + contextStart + ".." + contextEnd + ", region "
                    + regionStart + ".." + regionEnd);
        }
        check(buf, contextStart, contextEnd - contextStart);
        try {
            return redactRegionChecked(buf, contextStart, contextEnd, regionStart, regionEnd);
        } catch (DetectionException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw engineFailed(e.getClass().getSimpleName());
        }
    }

    /** Spans come relative to contextStart; each one that overlaps the region is written clipped to it. */
    private LineResult redactRegionChecked(byte[] buf, int contextStart, int contextEnd, int regionStart,
                                           int regionEnd) {
        int found = finder.find(buf, contextStart, contextEnd - contextStart, false);
        int rs = regionStart - contextStart;
        int re = regionEnd - contextStart;
        out.reset();
        result.startFindings();
        byte[] text = finder.text();
        int cursor = rs;
        boolean changed = false;
        boolean drop = false;
        for (int i = 0; i < found; i++) {
            int s = finder.start(i);
            int e = finder.end(i);
            int cs = Math.max(s, rs);
            int ce = Math.min(e, re);
            if (cs >= ce) {
                continue; // entirely in the context: the neighbouring piece redacts (and counts) it
            }
            CompiledDetector d = finder.detector(i);
            if (s >= rs) {
                // Counted by the piece that holds its start only.
                result.addFinding(new Finding(d.type(), d.id(), s - rs, ce - rs, d.action()));
            }
            drop |= d.action() == Action.DROP;
            out.write(buf, contextStart + cursor, cs - cursor);
            Action action = d.action();
            if ((cs != s || ce != e) && (action == Action.PARTIAL || action == Action.TOKENIZE)) {
                // Kept digits or a token of a cut value would differ from the neighbour's and describe a fragment.
                action = Action.MASK;
            }
            replacements.write(out, action, d.typeBytes(), d.normalization(), text, s, e);
            cursor = ce;
            changed = true;
        }
        if (!changed) {
            result.setClean(buf, regionStart, regionEnd - regionStart);
            return result;
        }
        out.write(buf, contextStart + cursor, re - cursor);
        result.setRedacted(out.array(), out.length(), drop);
        return result;
    }

    private static boolean validRange(byte[] line, int off, int len) {
        return line != null && off >= 0 && len >= 0 && off <= line.length - len;
    }

    private static void check(byte[] line, int off, int len) {
        if (!validRange(line, off, len)) {
            throw new DetectionException("invalid line range: offset " + off + ", length " + len);
        }
        if (len > MAX_EVENT_BYTES) {
            throw new DetectionException("line of " + len + " bytes exceeds the " + MAX_EVENT_BYTES + "-byte limit");
        }
    }

    /** {@code nominated}: the finder already holds this line's engine nominations (from a paired scan). */
    private LineResult redactGuarded(byte[] line, int off, int len, boolean nominated) {
        try {
            return redactChecked(line, off, len, nominated);
        } catch (DetectionException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // No cause attached: library messages (parsers, validators) may quote the input.
            throw engineFailed(e.getClass().getSimpleName());
        }
    }

    private LineResult redactChecked(byte[] line, int off, int len, boolean nominated) {
        int found = finder.find(line, off, len, nominated);
        if (startsWithBrace(line, off, len)) {
            // Confirming on the raw line first costs RE2/J on nominated lines but keeps the JSON walk (measured
            // dearer) for lines that really hold something.
            if (found == 0 && !hasByte(line, off, len, (byte) '\\') && !mentionsRuleField(line, off, len)) {
                result.setClean(line, off, len);
                return result;
            }
            if (json == null) {
                json = new JsonLineRedactor(plan, finder, replacements);
            }
            if (json.redact(line, off, len, result)) {
                return result;
            }
            found = finder.find(line, off, len, false); // not a JSON object after all: redact as text
        }
        if (found == 0) {
            result.setClean(line, off, len);
            return result;
        }
        return redactText(line, off, len, found);
    }

    private LineResult redactText(byte[] line, int off, int len, int found) {
        out.reset();
        result.startFindings();
        byte[] text = finder.text();
        int cursor = 0;
        boolean drop = false;
        for (int i = 0; i < found; i++) {
            int s = finder.start(i);
            int e = finder.end(i);
            CompiledDetector d = finder.detector(i);
            result.addFinding(new Finding(d.type(), d.id(), s, e, d.action()));
            drop |= d.action() == Action.DROP;
            out.write(line, off + cursor, s - cursor);
            replacements.write(out, d.action(), d.typeBytes(), d.normalization(), text, s, e);
            cursor = e;
        }
        out.write(line, off + cursor, len - cursor);
        result.setRedacted(out.array(), out.length(), drop);
        return result;
    }

    private static boolean startsWithBrace(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return c == '{';
            }
        }
        return false;
    }

    /**
     * Eight bytes at a time (every clean JSON line is searched for a backslash): a word XOR x has a zero byte exactly
     * when the word holds x, and {@code (v - 0x01..) & ~v & 0x80..} is nonzero exactly when v has a zero byte.
     */
    static boolean hasByte(byte[] b, int off, int len, byte x) {
        long pattern = (x & 0xffL) * 0x0101010101010101L;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long v = (long) LONGS.get(b, i) ^ pattern;
            if (((v - 0x0101010101010101L) & ~v & 0x8080808080808080L) != 0) {
                return true;
            }
        }
        for (; i < end; i++) {
            if (b[i] == x) {
                return true;
            }
        }
        return false;
    }

    private boolean mentionsRuleField(byte[] line, int off, int len) {
        return plan.ruleFieldNames.length > 0 && AsciiWords.containsAny(line, off, off + len, plan.ruleFieldNames);
    }
}
