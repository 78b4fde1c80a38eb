package io.redactd.detectors.validate;

/**
 * US National Provider Identifier: 10 digits starting with 1 or 2, whose last digit is a Luhn check digit computed
 * over the number prefixed with 80840 (the ISO health-industry card issuer prefix), as CMS specifies.
 */
public final class NpiValidator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        if (Digits.count(buf, start, end) != 10) {
            return false;
        }
        int first = Digits.value(buf, start, end, 0, 1);
        return (first == 1 || first == 2) && Digits.luhn(buf, start, end, "80840");
    }
}
