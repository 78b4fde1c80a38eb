package io.redactd.detectors.validate;

/**
 * US Social Security Number rules: 9 digits; area not 000, 666 or 900-999; group not 00; serial not 0000; and not one
 * of the numbers the SSA has voided because they were published (078-05-1120 from the Woolworth wallet insert,
 * 219-09-9999 from an SSA advertisement). 123-45-6789 is deliberately accepted: it is the number people type into
 * test forms, and redacting it costs nothing.
 */
public final class SsnValidator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        if (end - start == 11 && buf[start + 3] == '_' && buf[start + 6] == '_') {
            // 123_45_6789: an underscore is no separator for other types (Digits), so the groups are read here
            int area = ascii(buf, start, 3);
            int group = ascii(buf, start + 4, 2);
            int serial = ascii(buf, start + 7, 4);
            return area >= 0 && group >= 0 && serial >= 0 && rules(area, group, serial);
        }
        if (Digits.count(buf, start, end) != 9) {
            return false;
        }
        int area = Digits.value(buf, start, end, 0, 3);
        int group = Digits.value(buf, start, end, 3, 2);
        int serial = Digits.value(buf, start, end, 5, 4);
        return rules(area, group, serial);
    }

    private static boolean rules(int area, int group, int serial) {
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }

    /** The value of n ASCII digits at from, or -1 when one is not a digit. */
    private static int ascii(byte[] buf, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            if (!Digits.isDigit(buf[i])) {
                return -1;
            }
            v = v * 10 + (buf[i] - '0');
        }
        return v;
    }
}
