package io.redactd.daemon.event;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The word-at-a-time and allocation-free paths of {@link CanonicalJson} against byte-at-a-time references. */
class CanonicalJsonFastPathTest {
    private static boolean escapes(int b) {
        return b < 0x20 || b == '"' || b == '\\';
    }

    @Test
    void needsEscapeIsExactForEveryByteAtEveryPosition() {
        Random rnd = new Random(5);
        for (int b = 0; b < 256; b++) {
            for (int pos = 0; pos < 8; pos++) {
                for (int trial = 0; trial < 20; trial++) {
                    byte[] w = new byte[8];
                    for (int i = 0; i < 8; i++) {
                        int f;
                        do {
                            f = rnd.nextInt(256);
                        } while (escapes(f));
                        w[i] = (byte) f; // fillers include 0x80..0xFF and bytes next to the ranges (0x20, 0x21, 0x5D)
                    }
                    w[pos] = (byte) b;
                    long x = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    assertThat(CanonicalJson.needsEscape(x)).as("byte %02x at %d", b, pos).isEqualTo(escapes(b));
                }
            }
        }
    }

    @Test
    void needsEscapeMatchesTheBytewiseTestOnRandomWords() {
        Random rnd = new Random(6);
        byte[] w = new byte[8];
        int[] interesting = {0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0x9f, 0xa0, 0xdc, 0xe2, 0xff};
        for (int trial = 0; trial < 200_000; trial++) {
            boolean expected = false;
            int first = 8;
            for (int i = 0; i < 8; i++) {
                int b = rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : rnd.nextInt(256);
                w[i] = (byte) b;
                expected |= escapes(b);
                if (escapes(b) && first == 8) {
                    first = i;
                }
            }
            long x = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(CanonicalJson.needsEscape(x)).isEqualTo(expected);
            // utf8 copies up to the lowest flagged byte and escapes it: that one must be the first that needs it
            assertThat(Long.numberOfTrailingZeros(CanonicalJson.escapeMask(x)) >>> 3).isEqualTo(first);
        }
    }

    /** Byte-at-a-time reference: the writer before the word-at-a-time scan. */
    private static String reference(byte[] b, int off, int n) {
        StringBuilder sb = new StringBuilder("\"");
        byte[] out = new byte[n * 6 + 2];
        int p = 0;
        out[p++] = '"';
        for (int i = off; i < off + n; i++) {
            int c = b[i] & 0xFF;
            if (escapes(c)) {
                String e = switch (c) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '\b' -> "\\b";
                    case '\t' -> "\\t";
                    case '\n' -> "\\n";
                    case '\f' -> "\\f";
                    case '\r' -> "\\r";
                    default -> String.format("\\u%04x", c);
                };
                for (char ch : e.toCharArray()) {
                    out[p++] = (byte) ch;
                }
            } else {
                out[p++] = (byte) c;
            }
        }
        out[p++] = '"';
        return new String(out, 0, p, StandardCharsets.ISO_8859_1);
    }

    @Test
    void utf8MatchesTheBytewiseReferenceAtEveryOffsetAndLength() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20_000; trial++) {
            // A new, small writer each time, sometimes holding earlier bytes: the buffer grows in the middle of the
            // string and whole-word stores run close to its end (a reused writer keeps the capacity it grew to).
            CanonicalJson out = new CanonicalJson(rnd.nextInt(40));
            int n = rnd.nextInt(70);
            byte[] b = new byte[n + 16];
            int density = 1 + rnd.nextInt(40);
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextInt(density) == 0 ? (byte) "\"\\\n\u0001\t\u001f".charAt(rnd.nextInt(6))
                        : (byte) (rnd.nextBoolean() ? 0x20 + rnd.nextInt(0x60) : 0x80 + rnd.nextInt(0x80));
            }
            int off = rnd.nextInt(16);
            int before = rnd.nextInt(20);
            for (int k = 0; k < before; k++) {
                out.punct(',');
            }
            out.utf8(b, off, n);
            assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(",".repeat(before) + reference(b, off, n));
        }
    }

    @Test
    void numbersMatchLongToString() {
        Random rnd = new Random(8);
        CanonicalJson out = new CanonicalJson(16);
        long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE + 1, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L};
        for (long v : edges) {
            out.reset();
            out.number(v);
            assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
        // every digit count's edges (the count is found by comparison), around the int range (the switch to int math)
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10 * 10; p = p > Long.MAX_VALUE / 10 ? -1 : p * 10) {
            for (long v : new long[] {p - 1, p, p + 1, -p, -p + 1, Integer.MAX_VALUE + 1L, Integer.MAX_VALUE - 1L,
                2L * Integer.MAX_VALUE + 7, Integer.MAX_VALUE * 100L + 99}) {
                out.reset();
                out.number(v);
                assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
            }
        }
        for (int i = 0; i < 100_000; i++) {
            long v = rnd.nextLong() >> rnd.nextInt(64);
            out.reset();
            out.number(v);
            assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }

    @Test
    void stringAsciiFastPathHandsOverToTheFullEncoderMidString() {
        CanonicalJson out = new CanonicalJson(16);
        String s = "/var/log/app.log\u00e9\"x\ud83d\ude00\ud800y";
        out.string(s);
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8))
                .isEqualTo("\"/var/log/app.log\u00e9\\\"x\ud83d\ude00\ufffdy\"");
    }
}
