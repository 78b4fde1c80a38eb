package io.redactd.detectors.synthetic;

import java.util.Random;

/**
 * Tokens that look like PHI to a naive pattern but are not: ids, hashes, numbers failing the real rules, versions,
 * timestamps. Each method returns a token; {@link #any()} picks one kind at random.
 */
public final class HardNegatives {
    private static final String HEX = "0123456789abcdef";

    private final Random rnd;

    public HardNegatives(Random rnd) {
        this.rnd = rnd;
    }

    private String hex(int n, boolean upper) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(HEX.charAt(rnd.nextInt(16)));
        }
        return upper ? sb.toString().toUpperCase() : sb.toString();
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + rnd.nextInt(10)));
        }
        return sb.toString();
    }

    public String uuid() {
        return hex(8, false) + "-" + hex(4, false) + "-4" + hex(3, false) + "-" + "89ab".charAt(rnd.nextInt(4))
                + hex(3, false) + "-" + hex(12, false);
    }

    public String sha1() {
        return hex(40, rnd.nextInt(4) == 0);
    }

    public String sha256() {
        return hex(64, rnd.nextInt(4) == 0);
    }

    /** A 13-19 digit number with a card-like prefix whose Luhn check fails. */
    public String orderNumber() {
        String prefix = rnd.nextBoolean() ? "4" : "5" + (1 + rnd.nextInt(5));
        int len = rnd.nextBoolean() ? 16 : 13 + rnd.nextInt(7);
        String body = prefix + digits(len - prefix.length() - 1);
        char good = PhiValues.luhnCheckDigit(body);
        char bad = (char) ('0' + (good - '0' + 1 + rnd.nextInt(9)) % 10);
        return body + bad;
    }

    /** SSN-shaped, but with an area number the SSA never issues (000, 666, 900-999). */
    public String invalidSsn() {
        int area = switch (rnd.nextInt(3)) {
            case 0 -> 0;
            case 1 -> 666;
            default -> 900 + rnd.nextInt(100);
        };
        return String.format("%03d-%02d-%04d", area, 1 + rnd.nextInt(99), 1 + rnd.nextInt(9999));
    }

    public String epochMillis() {
        return String.valueOf(1_600_000_000_000L + (long) (rnd.nextDouble() * 200_000_000_000L));
    }

    public String epochSeconds() {
        return String.valueOf(1_600_000_000L + rnd.nextInt(200_000_000));
    }

    public String version() {
        int a = rnd.nextInt(20);
        int b = rnd.nextInt(30);
        int c = rnd.nextInt(50);
        int d = rnd.nextInt(300);
        return switch (rnd.nextInt(5)) {
            case 0 -> a + "." + b + "." + c + "." + d + "-beta";
            case 1 -> "v" + a + "." + b + "." + c + "." + d;
            case 2 -> a + "." + b + "." + c + "-" + d + ".el8_10.x86_64";
            case 3 -> a + "." + b + "." + c + "." + d + "." + rnd.nextInt(10);
            default -> a + "." + b + "." + c + "." + d + "-rc" + (1 + rnd.nextInt(5));
        };
    }

    /** NANP-shaped, but with an area code or exchange that cannot be assigned. */
    public String invalidPhone() {
        String npa;
        String nxx = String.valueOf(200 + rnd.nextInt(800));
        switch (rnd.nextInt(4)) {
            case 0 -> npa = "0" + digits(2);
            case 1 -> npa = "1" + digits(2);
            case 2 -> npa = (2 + rnd.nextInt(8)) + "11";
            default -> {
                npa = String.valueOf(200 + rnd.nextInt(800)).charAt(0) + "9" + rnd.nextInt(10);
            }
        }
        if (rnd.nextInt(4) == 0) {
            npa = String.valueOf(200 + rnd.nextInt(700));
            npa = npa.charAt(1) == '9' || npa.endsWith("11") ? "312" : npa;
            nxx = rnd.nextBoolean() ? "0" + digits(2) : "1" + digits(2);
        }
        String line = digits(4);
        return switch (rnd.nextInt(3)) {
            case 0 -> "(" + npa + ") " + nxx + "-" + line;
            case 1 -> npa + "-" + nxx + "-" + line;
            default -> npa + "." + nxx + "." + line;
        };
    }

    public String isoTimestamp() {
        return String.format("2026-%02d-%02dT%02d:%02d:%02d.%03dZ", 1 + rnd.nextInt(12), 1 + rnd.nextInt(28),
                rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(1000));
    }

    public String duration() {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(100000) + "ms";
            case 1 -> String.format("%02d:%02d:%02d.%03d", rnd.nextInt(3), rnd.nextInt(60), rnd.nextInt(60),
                    rnd.nextInt(1000));
            case 2 -> "PT" + (1 + rnd.nextInt(9)) + "H" + rnd.nextInt(60) + "M";
            default -> String.format("%.3fs", rnd.nextDouble() * 100);
        };
    }

    public String port() {
        return String.valueOf(1024 + rnd.nextInt(64000));
    }

    public String hexAddress() {
        return "0x" + (rnd.nextBoolean() ? "00007f" + hex(10, false) : "7ffd" + hex(8, false));
    }

    /** One hard-negative token of a random kind, with a label that names what it is. */
    public String any() {
        return switch (rnd.nextInt(15)) {
            case 14 -> "mac=" + hex(2, false) + ":" + hex(2, false) + ":" + hex(2, false) + ":" + hex(2, false) + ":"
                    + hex(2, false) + ":" + hex(2, false);
            case 0 -> "request_id=" + uuid();
            case 1 -> "commit=" + sha1();
            case 2 -> "digest=sha256:" + sha256();
            case 3 -> "order_id=" + orderNumber();
            case 4 -> "ref=" + invalidSsn();
            case 5 -> "ts_ms=" + epochMillis();
            case 6 -> "version=" + version();
            case 7 -> "phone=" + invalidPhone();
            case 8 -> "started=" + isoTimestamp();
            case 9 -> "elapsed=" + duration();
            case 10 -> "port=" + port();
            case 11 -> "addr=" + hexAddress();
            case 12 -> "epoch=" + epochSeconds();
            default -> "tracking=" + orderNumber();
        };
    }
}
