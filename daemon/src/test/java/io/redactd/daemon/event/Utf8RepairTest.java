package io.redactd.daemon.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8RepairTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void validInputIsReturnedAsIs() {
        byte[] ok = "plain é 😀 \u0000".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8Repair.repair(ok)).isSameAs(ok);
    }

    @Test
    void eachMaximalInvalidSubpartBecomesOneReplacement() {
        // 'a', lone continuation, 'b', truncated 3-byte sequence (E2 82), 'c', overlong C0 AF, surrogate ED A0 80, F5
        byte[] bad = bytes('a', 0x80, 'b', 0xE2, 0x82, 'c', 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF5, 'd', 0xF0, 0x9F, 0x98);
        String repaired = new String(Utf8Repair.repair(bad), StandardCharsets.UTF_8);
        assertThat(repaired).isEqualTo("a\ufffdb\ufffdc\ufffd\ufffd\ufffd\ufffd\ufffd\ufffdd\ufffd");
        assertThat(Utf8Repair.valid(Utf8Repair.repair(bad), 0, Utf8Repair.repair(bad).length)).isTrue();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[rnd.nextInt(12)];
            rnd.nextBytes(b);
            byte[] repaired = Utf8Repair.repair(b);
            assertThat(Utf8Repair.valid(repaired, 0, repaired.length)).isTrue();
            // The JDK replaces an encoded surrogate (ED A0..BF ..) once as a whole; Unicode's practice, followed
            // here, replaces each maximal subpart. Elsewhere both must agree.
            boolean hasSurrogateLead = false;
            for (byte x : b) {
                hasSurrogateLead |= x == (byte) 0xED;
            }
            if (!hasSurrogateLead) {
                assertThat(new String(repaired, StandardCharsets.UTF_8)).as("case %d", i)
                        .isEqualTo(new String(b, StandardCharsets.UTF_8));
            }
        }
    }

    /** The JDK's strict decoder as the reference for validity (it refuses encoded surrogates and overlongs too). */
    private static boolean jdkValid(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b, off, len));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void validityOfAsciiRunsWithOneOddSequenceAtEveryPositionAndOffset() {
        // valid() skips 8 ASCII bytes at a time: an odd sequence at any position of the word, at any array offset,
        // cut by the end of the range or not, must still be seen.
        byte[][] odd = {bytes(0x80), bytes(0xC3, 0xA9), bytes(0xE2, 0x82, 0xAC), bytes(0xF0, 0x9F, 0x98, 0x80),
            bytes(0xE2, 0x82), bytes(0xED, 0xA0, 0x80), bytes(0xC0, 0xAF), bytes(0xFF), bytes(0x7F)};
        for (byte[] o : odd) {
            for (int len = 0; len <= 24; len++) {
                for (int at = 0; at <= len; at++) {
                    for (int off = 0; off < 3; off++) {
                        byte[] b = new byte[off + len + o.length + 2];
                        java.util.Arrays.fill(b, (byte) 'x');
                        System.arraycopy(o, 0, b, off + at, o.length);
                        int n = len + o.length;
                        assertThat(Utf8Repair.valid(b, off, n)).as("odd %s at %d of %d, offset %d",
                                java.util.Arrays.toString(o), at, n, off).isEqualTo(jdkValid(b, off, n));
                        // cut inside the odd sequence (a truncated sequence at the end of the range)
                        int cut = off + at + o.length - 1 - off;
                        assertThat(Utf8Repair.valid(b, off, cut)).isEqualTo(jdkValid(b, off, cut));
                    }
                }
            }
        }
    }
}
