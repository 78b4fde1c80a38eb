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

        /**
         * The candidates of two ranges, into {@code outA} and {@code outB}: exactly what two {@link #candidates}
         * calls add. An engine that can walk both lines in one pass (the portable DFA) does so, which is cheaper.
         */
        default void candidatesPair(byte[] a, int offA, int lenA, PatternSet outA,
                                    byte[] b, int offB, int lenB, PatternSet outB) {
            candidates(a, offA, lenA, outA);
            candidates(b, offB, lenB, outB);
        }
    }
}
