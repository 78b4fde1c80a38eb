package io.redactd.detectors.engine;

/**
 * A multi-pattern engine that nominates, in one pass over a line, the patterns that may match it. It may nominate too
 * many (the redactor confirms each with RE2/J) but never too few: a pattern RE2/J would match must be nominated.
 * Shared by all threads; each thread scans through its own {@link Scan}.
 */
public interface CandidateEngine extends AutoCloseable {
    /** "hyperscan" or "portable". */
    String name();

    Scan newScan();

    /** Frees native resources, if any. */
    @Override
    void close();

    /** Per-thread scanning state (engine scratch space). Not thread-safe. */
    interface Scan {
        /** Adds to {@code out} every pattern that may match {@code buf[off, off+len)}. */
        void candidates(byte[] buf, int off, int len, PatternSet out);
    }
}
