package io.redactd.detectors;

/**
 * The result of redacting one line. Owned by the {@link Redactor} that produced it and valid only until its next
 * call, so a clean line costs no allocation. Copy what you keep.
 */
public interface LineResult {
    /** True when nothing was found: the output is the input, unchanged. */
    boolean clean();

    /** True when a DROP action fired: the whole event must be dropped (and counted). */
    boolean dropped();

    /** Output bytes (UTF-8); for a clean line this is the input array itself. */
    byte[] output();

    int outputOffset();

    int outputLength();

    int findingCount();

    /** The i-th finding, in input order. Offsets refer to the input line. */
    Finding finding(int i);
}
