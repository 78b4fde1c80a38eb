package io.redactd.detectors.validate;

/** Generic Luhn (mod 10) check over the digits of a candidate; separators (space, dash, dot) are skipped. */
public final class LuhnValidator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        return Digits.count(buf, start, end) >= 2 && Digits.luhn(buf, start, end, "");
    }
}
