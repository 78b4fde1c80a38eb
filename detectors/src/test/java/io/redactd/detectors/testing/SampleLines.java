package io.redactd.detectors.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic log-shaped lines (nginx, syslog, JSON, key=value, HL7, non-ASCII and invalid UTF-8) with synthetic
 * values planted in some of them and look-alikes (timestamps, versions, order numbers, UUIDs) in the rest. Used to
 * compare engines, not to measure accuracy (the catalog's generator does that).
 */
public final class SampleLines {
    private static final String[] VALUES = {
        "123-45-6789", "078-05-1120", "SSN 219099999", "ssn=536228872", "666-12-3456", "4111 1111 1111 1111",
        "5500-0000-0000-0004", "4111111111111112", "a.b@x.org", "john.doe+tag@mail.example.com", "j%40example.org",
        "jane\\u0040example.org", "(217) 555-0123", "217-555-0123", "+1 217.555.0123", "patient=John Smith",
        "name: Mary Ann", "10.1.2.3", "192.168.100.254", "256.1.1.1", "AC-123456", "acct AC-654321",
        "josé.garcía@example.com", "jürgen.müller@例え.jp", "user@bücher.example", "jos\uFFFD.garc\uFFFD@example.com",
        "иван@пример.рф", "josé%40bücher.example", "café jane@example.org",
        // glued to a word, no-break and thin spaces between groups, full-width digits
        "srv_4111111111111111", "ssn_123-45-6789", "host-212-67-4821", "user123-45-6789", "tel_217-555-0123",
        "4111\u00A01111\u00A01111\u00A01111", "536\u202F22\u202F8872", "(217)\u2009555\u20090123",
        "\uFF14\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11",
        "\uFF15\uFF13\uFF16\uFF0D\uFF12\uFF12\uFF0D\uFF18\uFF18\uFF17\uFF12"};
    private static final String[] NOISE = {
        "2026-11-27T03:17:53.123Z", "v1.2.3", "order 4111111111111112", "1732677473123",
        "3f2b8c1e-9a7d-4e2f-8c1b-2d3e4f5a6b7c", "sha256:9f86d081884c7d659a2feaa0c55ad015", "0.004", "HTTP/1.1",
        "pid=4242", "-", "é", "データ", "blk_-4111111111111111", "blk_4568377692254637284", "trace=af4111111111111111",
        "build_20261127", "1\u00A0234\u00A0567,89\u00A0€", "\uFF12\uFF10\uFF12\uFF16年\uFF11\uFF11月",
        "\uFF16\uFF16\uFF16\uFF0D\uFF11\uFF12\uFF0D\uFF13\uFF14\uFF15\uFF16"};

    private SampleLines() {
    }

    public static List<byte[]> generate(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String a = pick(rnd);
            String b = pick(rnd);
            String line = switch (rnd.nextInt(6)) {
                case 0 -> "10.0.0." + rnd.nextInt(255) + " - - [27/Nov/2026:03:17:53 +0000] \"GET /api/v1/items?q="
                        + a + " HTTP/1.1\" 200 " + rnd.nextInt(100000) + " \"-\" \"curl/8.5.0\" " + b;
                case 1 -> "<134>Nov 27 03:17:53 host app[" + rnd.nextInt(9999) + "]: user " + a + " did " + b;
                case 2 -> "{\"ts\":\"2026-11-27T03:17:53Z\",\"level\":\"info\",\"msg\":\"" + a + "\",\"n\":"
                        + rnd.nextInt(1000) + ",\"ctx\":{\"ssn\":\"" + b + "\",\"list\":[\"" + a + "\",1.5]}}";
                case 3 -> "ts=2026-11-27 k1=" + a + " k2=\"" + b + "\" latency=0.0" + rnd.nextInt(99);
                case 4 -> "PID|1||" + a + "^^^MRN||DOE^JOHN||19800101|M|||" + b;
                default -> "free text " + a + " and " + b + " end";
            };
            byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (rnd.nextInt(20) == 0) {
                bytes[rnd.nextInt(bytes.length)] = (byte) (0x80 + rnd.nextInt(128)); // invalid UTF-8
            }
            out.add(bytes);
        }
        return out;
    }

    private static String pick(SplittableRandom rnd) {
        return rnd.nextInt(3) == 0 ? VALUES[rnd.nextInt(VALUES.length)] : NOISE[rnd.nextInt(NOISE.length)];
    }
}
