package io.redactd.detectors.validate;

/**
 * Vehicle Identification Number (ISO 3779 / 49 CFR 565): 17 characters from 0-9 and A-Z without I, O, Q, with the
 * North American check digit at position 9 (transliterate letters, weight 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, sum mod
 * 11, 10 written as X). Also requires at least one letter: real VINs carry letters in the manufacturer code or model
 * year, while all-digit 17-character strings in logs are counters and ids.
 */
public final class VinValidator implements Validator {
    private static final int[] WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    // transliteration of A..Z; 0 marks letters a VIN never contains (I, O, Q)
    private static final int[] LETTER_VALUES = {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 0, 7, 0, 9, 2, 3, 4, 5, 6,
        7, 8, 9};

    @Override
    public boolean valid(byte[] buf, int start, int end) {
        if (end - start != 17) {
            return false;
        }
        int sum = 0;
        boolean letter = false;
        for (int i = 0; i < 17; i++) {
            byte b = buf[start + i];
            int v;
            if (Digits.isDigit(b)) {
                v = b - '0';
            } else if (b >= 'A' && b <= 'Z' && LETTER_VALUES[b - 'A'] != 0) {
                v = LETTER_VALUES[b - 'A'];
                letter = true;
            } else {
                return false;
            }
            sum += v * WEIGHTS[i];
        }
        int check = sum % 11;
        byte c = buf[start + 8];
        return letter && (check == 10 ? c == 'X' : c == '0' + check);
    }
}
