package io.redactd.daemon.input;

import io.redactd.daemon.pipeline.SplitContext;
import io.redactd.detectors.redact.LineRedactor;

import java.util.Optional;

/**
 * The check for an input's per-event size limit ({@code max_line_bytes}, {@code max_frame_bytes}, ...). Detection
 * refuses events over {@link LineRedactor#MAX_EVENT_BYTES} and the pipeline drops them (fail closed), so an input
 * that accepted longer ones would read a line only to lose it: such a limit is a config error, not a silent loss.
 */
public final class EventLimit {
    /** The largest limit an input may set: the largest event detection accepts. */
    public static final int MAX_BYTES = LineRedactor.MAX_EVENT_BYTES;

    /**
     * The largest {@code max_line_bytes} of an input that hands on longer lines in pieces: each piece is scanned with
     * up to {@link SplitContext#CONTEXT_BYTES} of its neighbours on either side, and that window must fit too.
     */
    public static final int MAX_PIECE_BYTES = MAX_BYTES - 2 * SplitContext.CONTEXT_BYTES;

    private EventLimit() {
    }

    /** As {@link #problem}, for the limit at which an input splits lines into pieces. */
    public static Optional<String> pieceProblem(int value, int min) {
        if (value > MAX_PIECE_BYTES) {
            return Optional.of("must be at most " + MAX_PIECE_BYTES + " (the largest event detection accepts, less the "
                    + SplitContext.CONTEXT_BYTES + " bytes on each side a piece of a longer line is scanned with), got "
                    + value);
        }
        return problem(value, min);
    }

    /** What is wrong with {@code value} as a per-event limit of at least {@code min} bytes, if anything. */
    public static Optional<String> problem(int value, int min) {
        if (value > MAX_BYTES) {
            return Optional.of("must be at most " + MAX_BYTES + " (the largest event detection accepts), got " + value);
        }
        if (value < min) {
            return Optional.of("must be between " + min + " and " + MAX_BYTES + ", got " + value);
        }
        return Optional.empty();
    }
}
