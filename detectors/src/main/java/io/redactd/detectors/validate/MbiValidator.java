package io.redactd.detectors.validate;

/**
 * Medicare Beneficiary Identifier (CMS format): 11 characters C A AN N A AN N A A N N, where C is 1-9, N is 0-9, A is
 * an upper-case letter other than S L O I B Z, and AN is either. Written either without dashes or with dashes after
 * the 4th and 7th characters (1EG4-TE5-MK73).
 */
public final class MbiValidator implements Validator {
    // per position: 'C' = 1-9, 'N' = digit, 'A' = allowed letter, 'X' = allowed letter or digit
    private static final String FORMAT = "CAXNAXNAANN";

    @Override
    public boolean valid(byte[] buf, int start, int end) {
        int len = end - start;
        boolean dashed;
        if (len == 11) {
            dashed = false;
        } else if (len == 13 && buf[start + 4] == '-' && buf[start + 8] == '-') {
            dashed = true;
        } else {
            return false;
        }
        int pos = 0;
        for (int i = start; i < end; i++) {
            int off = i - start;
            if (dashed && (off == 4 || off == 8)) {
                continue;
            }
            if (!matches(FORMAT.charAt(pos++), buf[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(char kind, byte b) {
        return switch (kind) {
            case 'C' -> b >= '1' && b <= '9';
            case 'N' -> Digits.isDigit(b);
            case 'A' -> letter(b);
            default -> letter(b) || Digits.isDigit(b);
        };
    }

    static boolean letter(byte b) {
        return b >= 'A' && b <= 'Z' && b != 'S' && b != 'L' && b != 'O' && b != 'I' && b != 'B' && b != 'Z';
    }
}
