package io.redactd.detectors.validate;

/**
 * Allocation-free helpers for reading digit strings that may contain separators. A separator is a space, dash or dot;
 * any other non-digit byte makes the candidate invalid.
 */
final class Digits {
    private Digits() {
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean isSeparator(byte b) {
        return b == ' ' || b == '-' || b == '.';
    }

    /** Number of digits in the range, or -1 when a byte is neither a digit nor a separator. */
    static int count(byte[] buf, int start, int end) {
        int n = 0;
        for (int i = start; i < end; i++) {
            byte b = buf[i];
            if (isDigit(b)) {
                n++;
            } else if (!isSeparator(b)) {
                return -1;
            }
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
        for (int i = start; i < end && idx < from + len; i++) {
            byte b = buf[i];
            if (isDigit(b)) {
                if (idx >= from) {
                    v = v * 10 + (b - '0');
                }
                idx++;
            }
        }
        return v;
    }

    /**
     * Luhn (mod 10) check over the digits of the range, optionally prefixed by the digits of {@code prefix}
     * (used by NPI, whose check digit covers the implicit 80840 prefix).
     */
    static boolean luhn(byte[] buf, int start, int end, String prefix) {
        int sum = 0;
        boolean dbl = false;
        for (int i = end - 1; i >= start; i--) {
            byte b = buf[i];
            if (!isDigit(b)) {
                continue;
            }
            sum += luhnDigit(b - '0', dbl);
            dbl = !dbl;
        }
        for (int i = prefix.length() - 1; i >= 0; i--) {
            sum += luhnDigit(prefix.charAt(i) - '0', dbl);
            dbl = !dbl;
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
        byte first = 0;
        for (int i = start; i < end; i++) {
            byte b = buf[i];
            if (isDigit(b)) {
                if (first == 0) {
                    first = b;
                } else if (b != first) {
                    return false;
                }
            }
        }
        return true;
    }
}
