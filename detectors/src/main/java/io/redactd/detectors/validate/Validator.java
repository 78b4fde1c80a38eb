package io.redactd.detectors.validate;

/**
 * Checks a candidate match by the real format rules of its type (check digits, number ranges). Works on the matched
 * UTF-8 bytes, which may contain separators (spaces, dashes, dots). Must not allocate on the hot path.
 */
@FunctionalInterface
public interface Validator {
    boolean valid(byte[] buf, int start, int end);

    Validator NONE = (buf, start, end) -> true;
}
