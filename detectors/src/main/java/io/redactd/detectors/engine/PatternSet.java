package io.redactd.detectors.engine;

import java.util.Arrays;

/**
 * The candidates an engine nominates for one line: a reusable bit set of pattern indexes, with, where the engine
 * knows them, the first and last offsets at which a (possibly wider) match of the pattern ended. Every true match of
 * the pattern ends within [firstEnd, lastEnd], which lets the redactor run RE2/J on that stretch only.
 */
public final class PatternSet {
    /** lastEnd of a pattern whose last match end is unknown. */
    public static final int UNKNOWN = Integer.MAX_VALUE;

    private final long[] words;
    private final int[] firstEnd;
    private final int[] lastEnd;

    public PatternSet(int size) {
        words = new long[Math.max(1, (size + 63) >>> 6)];
        firstEnd = new int[words.length << 6];
        lastEnd = new int[words.length << 6];
        Arrays.fill(firstEnd, -1);
        Arrays.fill(lastEnd, UNKNOWN);
    }

    public void clear() {
        for (int i = next(0); i >= 0; i = next(i + 1)) {
            firstEnd[i] = -1;
            lastEnd[i] = UNKNOWN;
        }
        Arrays.fill(words, 0L);
    }

    /** Nominates {@code p} with a match ending at {@code end} (exclusive offset); ends arrive in ascending order. */
    public void addEnd(int p, int end) {
        if (!contains(p)) {
            words[p >>> 6] |= 1L << p;
            firstEnd[p] = end;
        }
        lastEnd[p] = end;
    }

    /** Offset just past the first match end seen, or -1 when unknown. */
    public int firstEnd(int p) {
        return firstEnd[p];
    }

    /** Offset just past the last match end seen, or {@link #UNKNOWN}. */
    public int lastEnd(int p) {
        return lastEnd[p];
    }

    /** Nominates {@code i} with no position known. */
    public void add(int i) {
        words[i >>> 6] |= 1L << i;
        firstEnd[i] = -1;
        lastEnd[i] = UNKNOWN;
    }

    /** Nominates every member of {@code bits} with no position known. */
    public void addAll(long[] bits) {
        for (int w = 0; w < bits.length; w++) {
            for (long b = bits[w]; b != 0; b &= b - 1) {
                add((w << 6) + Long.numberOfTrailingZeros(b));
            }
        }
    }

    public boolean contains(int i) {
        return (words[i >>> 6] & (1L << i)) != 0;
    }

    public boolean isEmpty() {
        for (long w : words) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    /** The next member at or after {@code from}, or -1. */
    public int next(int from) {
        int w = from >>> 6;
        if (w >= words.length) {
            return -1;
        }
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            if (++w == words.length) {
                return -1;
            }
            word = words[w];
        }
    }

    /** A copy of the members as bits, for {@link #addAll}. */
    long[] toWords() {
        return words.clone();
    }
}
