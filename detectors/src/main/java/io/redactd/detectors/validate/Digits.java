package io.redactd.detectors.validate;

/**
 * Allocation-free helpers for reading digit strings that may contain separators, in UTF-8. A digit is an ASCII digit
 * or a full-width one (U+FF10-FF19, bytes EF BC 90-99). A separator is a space, dash or dot, or one of the
 * non-ASCII blanks and dashes that group digits in formatted text: no-break space U+00A0, narrow no-break space U+202F,
 * thin space U+2009, figure space U+2007, hair space U+200A, non-breaking hyphen U+2011, ideographic space U+3000,
 * full-width hyphen-minus U+FF0D. Any other byte makes the candidate invalid.
 * (The catalog's patterns decide which of these a value may hold; accepting them here costs nothing.)
 */
final class Digits {
    /** Code of a separator unit; 0-9 are digits. */
    private static final int SEP = 10;
    /** Code of any other unit. */
    private static final int OTHER = 11;

    private Digits() {
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean isSeparator(byte b) {
        return b == ' ' || b == '-' || b == '.';
    }

    /**
     * The unit (digit, separator, other) that starts at {@code i < end}: its code (0-9 for a digit, {@link #SEP},
     * {@link #OTHER}) in the low four bits, its length in bytes above them. An unrecognized byte is a one-byte
     * {@link #OTHER}.
     */
    static int unit(byte[] buf, int i, int end) {
        byte b = buf[i];
        if (b >= '0' && b <= '9') {
            return 1 << 4 | (b - '0');
        }
        if (b >= 0) {
            return 1 << 4 | (isSeparator(b) ? SEP : OTHER);
        }
        int b0 = b & 0xff;
        int b1 = i + 1 < end ? buf[i + 1] & 0xff : -1;
        if (b0 == 0xC2) {
            return b1 == 0xA0 ? 2 << 4 | SEP : 1 << 4 | OTHER;
        }
        int b2 = i + 2 < end ? buf[i + 2] & 0xff : -1;
        if (b0 == 0xEF && b1 == 0xBC) {
            if (b2 >= 0x90 && b2 <= 0x99) {
                return 3 << 4 | (b2 - 0x90);
            }
            return b2 == 0x8D ? 3 << 4 | SEP : 1 << 4 | OTHER;
        }
        if (b0 == 0xE2 && b1 == 0x80 && (b2 == 0xAF || b2 == 0x89 || b2 == 0x87 || b2 == 0x8A || b2 == 0x91)
                || b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) {
            return 3 << 4 | SEP;
        }
        return 1 << 4 | OTHER;
    }

    /** The unit's code: a digit's value, {@link #SEP} or {@link #OTHER}. */
    private static int code(int unit) {
        return unit & 0xF;
    }

    private static int length(int unit) {
        return unit >>> 4;
    }

    /** Whether the unit is a digit, a separator, or something else (see {@link #unit}). */
    static boolean unitIsDigit(int unit) {
        return code(unit) < SEP;
    }

    static boolean unitIsSeparator(int unit) {
        return code(unit) == SEP;
    }

    static int unitDigit(int unit) {
        return code(unit);
    }

    static int unitLength(int unit) {
        return length(unit);
    }

    /** Number of digits in the range, or -1 when a unit is neither a digit nor a separator. */
    static int count(byte[] buf, int start, int end) {
        int n = 0;
        for (int i = start; i < end; ) {
            int u = unit(buf, i, end);
            int c = code(u);
            if (c < SEP) {
                n++;
            } else if (c != SEP) {
                return -1;
            }
            i += length(u);
        }
        return n;
    }

    /**
     * The value of {@code len} consecutive digits starting at the {@code from}-th digit (0-based) of the range,
     * skipping separators. Callers have checked {@link #count} first.
     */
    static int value(byte[] buf, int start, int end, int from, int len) {
        int idx = 0;
        int v = 0;
        for (int i = start; i < end && idx < from + len; ) {
            int u = unit(buf, i, end);
            int c = code(u);
            if (c < SEP) {
                if (idx >= from) {
                    v = v * 10 + c;
                }
                idx++;
            }
            i += length(u);
        }
        return v;
    }

    /**
     * Luhn (mod 10) check over the digits of the range, optionally prefixed by the digits of {@code prefix}
     * (used by NPI, whose check digit covers the implicit 80840 prefix). Read left to right: the digit with k digits
     * after it is doubled when k is odd.
     */
    static boolean luhn(byte[] buf, int start, int end, String prefix) {
        int n = 0;
        for (int i = start; i < end; ) {
            int u = unit(buf, i, end);
            n += code(u) < SEP ? 1 : 0;
            i += length(u);
        }
        int sum = 0;
        int after = n + prefix.length(); // digits after the next one, plus one
        for (int k = 0; k < prefix.length(); k++) {
            after--;
            sum += luhnDigit(prefix.charAt(k) - '0', (after & 1) == 1);
        }
        for (int i = start; i < end; ) {
            int u = unit(buf, i, end);
            int c = code(u);
            if (c < SEP) {
                after--;
                sum += luhnDigit(c, (after & 1) == 1);
            }
            i += length(u);
        }
        return sum % 10 == 0;
    }

    private static int luhnDigit(int d, boolean dbl) {
        if (!dbl) {
            return d;
        }
        int x = d * 2;
        return x > 9 ? x - 9 : x;
    }

    /** True when every digit in the range is the same (000-000-0000, 1111 1111 ...). */
    static boolean allSame(byte[] buf, int start, int end) {
        int first = -1;
        for (int i = start; i < end; ) {
            int u = unit(buf, i, end);
            int c = code(u);
            if (c < SEP) {
                if (first < 0) {
                    first = c;
                } else if (c != first) {
                    return false;
                }
            }
            i += length(u);
        }
        return true;
    }
}
