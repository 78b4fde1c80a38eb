package io.redactd.outputs.delivery;

/**
 * A delivery failure that retrying cannot fix (refused credentials, a rejected template, an unknown index): the write
 * fails so the operator sees it, and the events stay in the buffer. Messages name hosts, statuses and codes, never
 * event data.
 */
public final class OutputFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutputFailure(String message) {
        super(message);
    }
}
