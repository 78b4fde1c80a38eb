package io.redactd.detectors.redact;

/**
 * RE2/J misreads some invalid UTF-8 (a stray 0xFF shifts its offsets), so before RE2/J sees a line every byte that
 * does not start a well-formed sequence is replaced by 0x1A (SUB): one byte for one byte, so offsets stay put, and
 * like U+FFFD it is neither a word, digit nor space character.
 */
public final class Utf8 {
    static final byte REPLACEMENT = 0x1A;

    private Utf8() {
    }

    /** Index of the first byte that does not start a well-formed sequence, or -1. */
    public static int firstInvalid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            int n = sequenceLength(b, i, to);
            if (n == 0) {
                return i;
            }
            i += n;
        }
        return -1;
    }

    /** Replaces invalid bytes in place, from {@code from} on. */
    public static void sanitize(byte[] b, int from) {
        int i = from;
        while (i < b.length) {
            if (b[i] >= 0) {
                i++;
                continue;
            }
            int n = sequenceLength(b, i, b.length);
            if (n == 0) {
                b[i++] = REPLACEMENT;
            } else {
                i += n;
            }
        }
    }

    /** Length of the well-formed sequence at {@code i} (RFC 3629: no overlongs, no surrogates), or 0. */
    private static int sequenceLength(byte[] b, int i, int to) {
        int c = b[i] & 0xff;
        int n;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + n > to) {
            return 0;
        }
        int cp = c & (0x7F >> n);
        for (int k = 1; k < n; k++) {
            int cc = b[i + k] & 0xff;
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        return n;
    }
}
