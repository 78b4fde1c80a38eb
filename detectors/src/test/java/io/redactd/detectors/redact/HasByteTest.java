package io.redactd.detectors.redact;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The redactor's eight-bytes-at-a-time byte search against a byte loop, at every offset and length, any byte value. */
class HasByteTest {

    @Test
    void findsABytePresentAnywhereAndNothingElse() {
        SplittableRandom rnd = new SplittableRandom(3);
        int found = 0;
        for (int n = 0; n < 100_000; n++) {
            byte x = (byte) (rnd.nextBoolean() ? '\\' : rnd.nextInt(256));
            byte[] b = new byte[rnd.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextInt(50) == 0 ? x : (byte) rnd.nextInt(256);
            }
            int off = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
            int len = rnd.nextInt(b.length - off + 1);
            boolean expected = false;
            for (int i = off; i < off + len; i++) {
                expected |= b[i] == x;
            }
            assertThat(LineRedactor.hasByte(b, off, len, x)).as("byte %d in %s [%d, +%d)", x,
                    java.util.Arrays.toString(b), off, len).isEqualTo(expected);
            found += expected ? 1 : 0;
        }
        assertThat(found).as("cases holding the byte").isBetween(5_000, 95_000);
    }
}
