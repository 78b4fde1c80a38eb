package io.redactd.detectors.engine;

/**
 * Case-insensitive search for lower-case ASCII words: detectors' context words (span confirmation, the Hyperscan
 * engine) and the field-name rules' names.
 */
public final class AsciiWords {
    private AsciiWords() {
    }

    /** ASCII case-insensitive: does any of the lower-case {@code words} occur in {@code buf[from, to)}? */
    public static boolean containsAny(byte[] buf, int from, int to, byte[][] words) {
        for (byte[] w : words) {
            int last = to - w.length;
            outer:
            for (int i = from; i <= last; i++) {
                for (int k = 0; k < w.length; k++) {
                    byte b = buf[i + k];
                    if (b >= 'A' && b <= 'Z') {
                        b += 32;
                    }
                    if (b != w[k]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
