package io.redactd.detectors.validate;

/**
 * Payment card numbers: Luhn plus a real issuer range (IIN) with a length that issuer uses.
 * <ul>
 *   <li>Visa 4: 13, 16 or 19 digits</li>
 *   <li>Mastercard 51-55 and 2221-2720: 16</li>
 *   <li>American Express 34, 37: 15</li>
 *   <li>Discover 6011, 644-649, 65: 16-19</li>
 *   <li>JCB 3528-3589: 16-19</li>
 *   <li>Diners Club 300-305, 36, 38-39: 14 or 16</li>
 * </ul>
 * Separators (space, dash) are skipped.
 */
public final class CreditCardValidator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        int n = Digits.count(buf, start, end);
        if (n < 13 || n > 19 || !issuerLength(buf, start, end, n)) {
            return false;
        }
        return Digits.luhn(buf, start, end, "");
    }

    private static boolean issuerLength(byte[] buf, int start, int end, int n) {
        int p1 = Digits.value(buf, start, end, 0, 1);
        int p2 = Digits.value(buf, start, end, 0, 2);
        int p3 = Digits.value(buf, start, end, 0, 3);
        int p4 = Digits.value(buf, start, end, 0, 4);
        if (p1 == 4) {
            return n == 13 || n == 16 || n == 19;
        }
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
            return n == 16;
        }
        if (p2 == 34 || p2 == 37) {
            return n == 15;
        }
        if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) {
            return n >= 16;
        }
        if (p4 >= 3528 && p4 <= 3589) {
            return n >= 16;
        }
        if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) {
            return n == 14 || n == 16;
        }
        return false;
    }
}
