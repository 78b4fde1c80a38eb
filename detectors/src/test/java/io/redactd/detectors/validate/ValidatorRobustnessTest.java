package io.redactd.detectors.validate;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Validators run on untrusted bytes in the hot path: they must never throw and never allocate. */
class ValidatorRobustnessTest {
    private static final String ALPHABET = "0123456789ABCDEFXYZabcxyz -.:/()+#^|";

    @Test
    void arbitraryBytesAndRangesNeverThrow() {
        SplittableRandom rnd = new SplittableRandom(99);
        byte[] buf = new byte[64];
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            for (int k = 0; k < buf.length; k++) {
                buf[k] = rnd.nextInt(8) == 0 ? (byte) rnd.nextInt(256)
                        : (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
            }
            int start = rnd.nextInt(buf.length);
            int end = start + rnd.nextInt(buf.length - start + 1);
            for (String name : Validators.names()) {
                if (Validators.byName(name).valid(buf, start, end)) {
                    accepted++;
                }
            }
        }
        // "none" accepts everything; the rest almost nothing from noise
        assertThat(accepted).isBetween(200_000, 260_000);
    }

    @Test
    void validatorsDoNotAllocate() {
        byte[][] inputs = {
            bytes("4111 1111 1111 1111"), bytes("123-45-6789"), bytes("+1 (217) 555-0123"), bytes("1234567893"),
            bytes("AB1234563"), bytes("1EG4-TE5-MK73"), bytes("GB82 WEST 1234 5698 7654 32"),
            bytes("1M8GDM9AXKP042788"), bytes("192.168.1.1"), bytes("fe80::1ff:fe23:4567:890a"), bytes("Mar 12, 1980"),
            "\uFF14\uFF11\uFF11\uFF11\u3000\uFF11\uFF11\uFF11\uFF11 1111\u00A01111".getBytes(StandardCharsets.UTF_8),
            "123\u202F45\u20096789".getBytes(StandardCharsets.UTF_8)};
        Validator[] all = Validators.names().stream().map(Validators::byName).toArray(Validator[]::new);
        int sink = run(all, inputs, 20_000); // warm up (JIT, class init)
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        sink += run(all, inputs, 20_000);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        // 20,000 x 13 x 13 calls; a single allocation per call would be megabytes
        assertThat(allocated).as("bytes allocated by validators").isLessThan(64 * 1024);
    }

    private static int run(Validator[] all, byte[][] inputs, int rounds) {
        int hits = 0;
        for (int r = 0; r < rounds; r++) {
            for (Validator v : all) {
                for (byte[] in : inputs) {
                    if (v.valid(in, 0, in.length)) {
                        hits++;
                    }
                }
            }
        }
        return hits;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
