package io.redactd.detectors.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Case-insensitive search for lower-case ASCII words: detectors' context words (span confirmation, the Hyperscan
 * engine) and the field-name rules' names; and whether a range is ASCII at all.
 */
public final class AsciiWords {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private AsciiWords() {
    }

    /** Whether {@code buf[off, off+len)} holds a byte above 0x7F; 8 bytes per step (nominated lines pass here). */
    public static boolean hasNonAscii(byte[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            if (((long) LONGS.get(buf, i) & 0x8080808080808080L) != 0) {
                return true;
            }
        }
        for (; i < end; i++) {
            if (buf[i] < 0) {
                return true;
            }
        }
        return false;
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
