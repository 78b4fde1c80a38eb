package io.redactd.detectors;

/** What happens to a detected value. There is deliberately no unkeyed hash: hashes of low-entropy values are reversible. */
public enum Action {
    /** Replace by {@code [REDACTED:TYPE]}. */
    MASK,
    /** Keep only the last four characters: {@code [REDACTED:SSN:6789]}... exact form is the redactor's. */
    PARTIAL,
    /** Replace by a keyed HMAC-SHA-256 token over the normalized value. Needs a tokenization key. */
    TOKENIZE,
    /** Drop the whole event. */
    DROP
}
