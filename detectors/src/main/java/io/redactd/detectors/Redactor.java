package io.redactd.detectors;

/**
 * Finds and redacts PHI in UTF-8 lines. One per worker thread: not thread-safe (it owns engine scratch space and
 * output buffers). Obtain from {@link DetectionPlan#newRedactor()}.
 *
 * <p>Fail closed: if detection cannot complete for a line, {@link DetectionException} is thrown and the caller must
 * drop the event. Exception messages never contain input bytes.
 */
public interface Redactor {
    /**
     * Redacts one line (without its line terminator). If the line is a JSON object it is redacted inside its string
     * values and field-name rules apply; the output stays valid JSON.
     */
    LineResult redact(byte[] line, int off, int len);

    /**
     * Redacts {@code first} exactly as {@link #redact(byte[], int, int)} does, and scans {@code second} in the same
     * pass: the portable engine walks the two lines together, which costs less per byte than two passes. Call
     * {@link #redactSecond()} next for the second line's result (the first's is valid until then), and leave the
     * second line's bytes unchanged until it returns. Whatever is wrong with the second line (a bad range, its
     * size) is reported by redactSecond, never here; when this call throws for the first line, redactSecond still
     * redacts the second.
     */
    LineResult redactPair(byte[] first, int off, int len, byte[] second, int secondOff, int secondLen);

    /**
     * The second line of the last {@link #redactPair}: the same result, or exception, as
     * {@link #redact(byte[], int, int)} of it. Throws IllegalStateException when there is no such line (no pair, or
     * its second line already redacted).
     */
    LineResult redactSecond();

    /**
     * Forgets the pending second line of the last {@link #redactPair} without redacting it (its bytes are no longer
     * referenced): for a caller that gives up on the pair, e.g. because handling the first line's result failed.
     */
    void abandonPair();

    /**
     * Redacts the region {@code buf[regionStart, regionEnd)}, a piece of a longer line, looking for values in the
     * context window {@code buf[contextStart, contextEnd)} around it, so that a value cut in two by the split is
     * still found (and validated) whole. Text mode only: a piece is never parsed as JSON. Every value that overlaps
     * the region is replaced within it, clipped to it; a clipped value always gets the mask form ({@code PARTIAL} and
     * {@code TOKENIZE} need the whole value). The result describes the region alone: output and finding offsets are
     * relative to {@code regionStart}, and a finding is listed only by the region that holds its start, so adjacent
     * pieces count it once. Same failure contract as {@link #redact(byte[], int, int)}; the context counts toward
     * the size limit.
     */
    LineResult redactRegion(byte[] buf, int contextStart, int contextEnd, int regionStart, int regionEnd);

    default LineResult redact(byte[] line) {
        return redact(line, 0, line.length);
    }
}
