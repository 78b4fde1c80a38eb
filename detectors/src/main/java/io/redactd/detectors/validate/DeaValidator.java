package io.redactd.detectors.validate;

/**
 * DEA registration number: two letters and seven digits. The first letter is a registrant type (A B C D E F G H J K L
 * M P R S T U X); the second is the registrant's last-name initial (or 9 for some business registrants). With digits
 * d1..d7, (d1 + d3 + d5 + 2 * (d2 + d4 + d6)) mod 10 must equal d7.
 */
public final class DeaValidator implements Validator {
    private static final String REGISTRANT_TYPES = "ABCDEFGHJKLMPRSTUX";

    @Override
    public boolean valid(byte[] buf, int start, int end) {
        if (end - start != 9) {
            return false;
        }
        int t = upper(buf[start]);
        int s = upper(buf[start + 1]);
        if (REGISTRANT_TYPES.indexOf(t) < 0 || !((s >= 'A' && s <= 'Z') || s == '9')) {
            return false;
        }
        int odd = 0;
        int even = 0;
        for (int i = 0; i < 7; i++) {
            byte b = buf[start + 2 + i];
            if (!Digits.isDigit(b)) {
                return false;
            }
            int d = b - '0';
            if (i == 6) {
                return (odd + 2 * even) % 10 == d;
            }
            if (i % 2 == 0) {
                odd += d;
            } else {
                even += d;
            }
        }
        return false;
    }

    private static int upper(byte b) {
        return b >= 'a' && b <= 'z' ? b - 32 : b;
    }
}
