package io.redactd.detectors.testing;

import io.redactd.detectors.Action;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.catalog.DetectorSpec.Normalization;
import io.redactd.detectors.validate.Validator;

import java.util.List;

/**
 * A small stand-in catalog for engine tests (the real one lives in catalog/): enough shapes to exercise validators,
 * context, value groups, overlaps and every action.
 */
public final class TestDetectors {
    private TestDetectors() {
    }

    /** Area not 000/666/9xx, group not 00, serial not 0000; separators skipped. */
    public static final Validator SSN = (b, s, e) -> {
        int[] d = new int[9];
        int n = 0;
        for (int i = s; i < e; i++) {
            if (b[i] >= '0' && b[i] <= '9') {
                if (n == 9) {
                    return false;
                }
                d[n++] = b[i] - '0';
            }
        }
        if (n != 9) {
            return false;
        }
        int area = d[0] * 100 + d[1] * 10 + d[2];
        int group = d[3] * 10 + d[4];
        int serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8];
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    };

    public static final Validator LUHN = (b, s, e) -> {
        int sum = 0;
        int n = 0;
        for (int i = e - 1; i >= s; i--) {
            if (b[i] < '0' || b[i] > '9') {
                continue;
            }
            int v = b[i] - '0';
            if ((n++ & 1) == 1) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
        }
        return n >= 13 && n <= 19 && sum % 10 == 0;
    };

    public static List<DetectorSpec> all() {
        return List.of(
                new DetectorSpec("ssn.dashed", "SSN", "SSN with dashes", List.of("\\b\\d{3}-\\d{2}-\\d{4}\\b"), 0,
                        SSN, "ssn", List.of(), false, 0, 10, Action.MASK, Normalization.DIGITS),
                new DetectorSpec("ssn.bare", "SSN", "9 digits after an SSN label", List.of("\\b\\d{9}\\b"), 0,
                        SSN, "ssn", List.of("ssn", "social security"), true, 24, 10, Action.MASK,
                        Normalization.DIGITS),
                new DetectorSpec("email", "EMAIL", "e-mail address",
                        List.of("[A-Za-z0-9._+-]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"), 0,
                        Validator.NONE, "none", List.of(), false, 0, 5, Action.MASK, Normalization.LOWER),
                new DetectorSpec("phone", "PHONE", "NANP phone",
                        List.of("(?:\\+1[ .-]?)?(?:\\(\\d{3}\\) ?|\\b\\d{3}[-.])\\d{3}[-.]\\d{4}\\b"), 0,
                        Validator.NONE, "none", List.of(), false, 0, 3, Action.MASK, Normalization.DIGITS),
                new DetectorSpec("card", "CREDIT_CARD", "card number",
                        List.of("\\b\\d{4}(?:[ -]?\\d{4}){2}[ -]?\\d{1,7}\\b"), 0,
                        LUHN, "luhn", List.of(), false, 0, 8, Action.PARTIAL, Normalization.DIGITS),
                new DetectorSpec("name.label", "NAME", "name after a label",
                        List.of("(?i:patient|name)[\"']?\\s*[:=]\\s*[\"']?([A-Z][a-z]+(?: [A-Z][a-z]+)?)"), 1,
                        Validator.NONE, "none", List.of(), false, 0, 1, Action.MASK, Normalization.TEXT),
                new DetectorSpec("ipv4", "IPV4", "IPv4 address",
                        List.of("\\b(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\b"),
                        0, Validator.NONE, "none", List.of(), false, 0, 2, Action.MASK, Normalization.TEXT));
    }
}
