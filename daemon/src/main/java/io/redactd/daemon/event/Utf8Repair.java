package io.redactd.daemon.event;

/**
 * Replaces invalid UTF-8 by U+FFFD before detection, so the redactor and the JSON writer only ever see valid text.
 * Each maximal invalid subpart becomes one U+FFFD (the Unicode-recommended practice). Valid input, the common case,
 * is returned as is without allocating.
 */
public final class Utf8Repair {
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long HIGHS = 0x8080808080808080L;

    private Utf8Repair() {
    }

    /** Length of the valid sequence starting at {@code i}, or the negated length of its maximal invalid subpart. */
    private static int sequence(byte[] b, int i, int end) {
        int c = b[i] & 0xFF;
        if (c < 0x80) {
            return 1;
        }
        int need;
        int lo = 0x80;
        int hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) {
                lo = 0xA0;
            } else if (c == 0xED) {
                hi = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return -1;
        }
        for (int k = 1; k <= need; k++) {
            if (i + k >= end) {
                return -k;
            }
            int n = b[i + k] & 0xFF;
            boolean ok = k == 1 ? n >= lo && n <= hi : n >= 0x80 && n <= 0xBF;
            if (!ok) {
                return -k;
            }
        }
        return need + 1;
    }

    public static boolean valid(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            // Log lines are mostly ASCII: 8 bytes per step while no byte has its high bit set.
            if (i + 8 <= end && ((long) LONGS.get(b, i) & HIGHS) == 0) {
                i += 8;
                continue;
            }
            if (b[i] >= 0) {
                i++;
                continue;
            }
            int n = sequence(b, i, end);
            if (n < 0) {
                return false;
            }
            i += n;
        }
        return true;
    }

    /** The bytes themselves when valid, else a repaired copy. */
    public static byte[] repair(byte[] b) {
        if (valid(b, 0, b.length)) {
            return b;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length + 16);
        int i = 0;
        while (i < b.length) {
            int n = sequence(b, i, b.length);
            if (n > 0) {
                out.write(b, i, n);
                i += n;
            } else {
                out.write(REPLACEMENT, 0, REPLACEMENT.length);
                i += -n;
            }
        }
        return out.toByteArray();
    }
}
