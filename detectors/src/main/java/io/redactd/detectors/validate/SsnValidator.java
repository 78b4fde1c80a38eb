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
        if (Digits.count(buf, start, end) != 9) {
            return false;
        }
        int area = Digits.value(buf, start, end, 0, 3);
        int group = Digits.value(buf, start, end, 3, 2);
        int serial = Digits.value(buf, start, end, 5, 4);
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }
}
