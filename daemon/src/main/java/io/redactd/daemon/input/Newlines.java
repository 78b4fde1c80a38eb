package io.redactd.daemon.input;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The newline search that every byte of a tailed file or a newline-framed syslog stream passes through. */
public final class Newlines {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;

    private Newlines() {
    }

    /**
     * The first LF in {@code b[from, to)}, or -1. Tests 8 bytes per step (a word with no zero byte after XOR with LFs
     * holds no LF) and finds the byte by bit position.
     */
    public static int indexOf(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ LFS;
            // the lowest byte flagged is exactly the first zero byte (a borrow only reaches bytes above a zero one)
            long zero = (x - ONES) & ~x & HIGHS;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
