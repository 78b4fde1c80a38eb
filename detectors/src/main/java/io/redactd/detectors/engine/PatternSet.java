package io.redactd.detectors.engine;

import java.util.Arrays;

/** A reusable bit set of pattern indexes: the candidates an engine nominates for one line. */
public final class PatternSet {
    private final long[] words;

    public PatternSet(int size) {
        words = new long[Math.max(1, (size + 63) >>> 6)];
    }

    public void clear() {
        Arrays.fill(words, 0L);
    }

    public void add(int i) {
        words[i >>> 6] |= 1L << i;
    }

    public void addAll(long[] bits) {
        for (int i = 0; i < bits.length; i++) {
            words[i] |= bits[i];
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

    int wordCount() {
        return words.length;
    }
}
