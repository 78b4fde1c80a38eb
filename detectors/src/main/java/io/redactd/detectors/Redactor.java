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

    default LineResult redact(byte[] line) {
        return redact(line, 0, line.length);
    }
}
