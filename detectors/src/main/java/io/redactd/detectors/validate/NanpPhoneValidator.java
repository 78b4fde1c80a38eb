package io.redactd.detectors.validate;

/**
 * North American Numbering Plan: 10 digits, or 11 with a leading country code 1 ({@code +()} and the separators of
 * {@link Digits}, no-break spaces included, are skipped; anything else is refused). The area code (NPA) and exchange (NXX) start with 2-9 and are not N11 service codes; the
 * NPA's middle digit is not 9 (reserved for expansion). Numbers made of one repeated digit are rejected.
 *
 * <p>555-01xx numbers, reserved for fiction, are accepted on purpose: test fixtures and demos use them, they look like
 * real numbers to any reader of the log, and redacting them loses nothing.
 */
public final class NanpPhoneValidator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        int n = 0;
        for (int i = start; i < end; ) {
            int u = Digits.unit(buf, i, end);
            if (Digits.unitIsDigit(u)) {
                n++;
            } else if (!Digits.unitIsSeparator(u) && buf[i] != '(' && buf[i] != ')' && buf[i] != '+') {
                return false;
            }
            i += Digits.unitLength(u);
        }
        int skip;
        if (n == 10) {
            skip = 0;
        } else if (n == 11 && Digits.value(buf, start, end, 0, 1) == 1) {
            skip = 1;
        } else {
            return false;
        }
        int npa = Digits.value(buf, start, end, skip, 3);
        int nxx = Digits.value(buf, start, end, skip + 3, 3);
        if (!plausibleCode(npa) || (npa / 10) % 10 == 9 || !plausibleCode(nxx)) {
            return false;
        }
        // 222-222-2222 and the like are placeholders, not numbers
        int first = Digits.value(buf, start, end, skip, 1);
        for (int k = 1; k < 10; k++) {
            if (Digits.value(buf, start, end, skip + k, 1) != first) {
                return true;
            }
        }
        return false;
    }

    /** First digit 2-9 and not an N11 service code. */
    private static boolean plausibleCode(int code) {
        return code >= 200 && code % 100 != 11;
    }
}
