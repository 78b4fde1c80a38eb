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
}
