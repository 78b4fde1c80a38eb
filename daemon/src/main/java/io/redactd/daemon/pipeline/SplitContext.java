package io.redactd.daemon.pipeline;

/**
 * The raw bytes around a piece of a line that an input cut in pieces ({@code log.flags: [split]}): the end of the
 * piece before it and the start of the piece after it. The pipeline detects over {@code before + message + after}
 * and redacts the message alone, so a value cut in two is still found and masked in both pieces. Carried in
 * {@link RawEvent#fields()} under {@link #FIELD} (the record stays as it is) and never written out: the bytes are
 * raw and may hold PHI, so {@link #toString()} shows lengths only.
 *
 * @param before up to {@link #CONTEXT_BYTES} bytes just before the piece (empty for the first piece)
 * @param after  up to {@link #CONTEXT_BYTES} bytes just after the piece (empty for the last piece)
 */
public record SplitContext(byte[] before, byte[] after) {
    /** Reserved field name; the pipeline drops it from the document. */
    public static final String FIELD = "redactd.split_context";
    /**
     * Bytes of context on each side. Longer than any value of a bounded built-in pattern (the longest, an e-mail's
     * 64 + 1 + 255, fits), so a value cut anywhere is seen whole from either side.
     */
    public static final int CONTEXT_BYTES = 512;

    private static final byte[] NONE = new byte[0];

    public SplitContext {
        before = before == null ? NONE : before;
        after = after == null ? NONE : after;
    }

    /** The event's context, or null when it is not a piece with context (a map lookup). */
    public static SplitContext of(RawEvent e) {
        return e.fields().get(FIELD) instanceof SplitContext c ? c : null;
    }

    /**
     * The next piece's {@code before}: the last {@link #CONTEXT_BYTES} bytes of the line so far, that is of the
     * previous {@code before} followed by {@code buf[0, pieceLen)}.
     */
    public static byte[] nextBefore(byte[] before, byte[] buf, int pieceLen) {
        byte[] old = before == null ? NONE : before;
        int keep = Math.min(CONTEXT_BYTES, old.length + pieceLen);
        byte[] next = new byte[keep];
        int fromPiece = Math.min(keep, pieceLen);
        System.arraycopy(old, old.length - (keep - fromPiece), next, 0, keep - fromPiece);
        System.arraycopy(buf, pieceLen - fromPiece, next, keep - fromPiece, fromPiece);
        return next;
    }

    @Override
    public String toString() {
        return "SplitContext[before=" + before.length + " bytes, after=" + after.length + " bytes]";
    }
}
