package io.redactd.daemon.integrity;

/**
 * One finding of {@code redactd verify}.
 *
 * @param seq    the chain.seq it concerns (0 when the event could not be read at all)
 * @param detail what was found, in words; never quotes event content
 */
public record Issue(Type type, String stream, long seq, String detail) {

    public enum Type {
        MODIFIED(true), INSERTED(true), DELETED(true), REORDERED(true), BROKEN_LINK(true),
        CHECKPOINT_INVALID(true), MALFORMED(true), TRUNCATED(true),
        /** Same seq, same hash, content intact: at-least-once redelivery. */
        DUPLICATE(false),
        /** A chain_restart event: the daemon lost its chain head and began a new stream. Visible, not tampering. */
        RESTART(false),
        /** --retained: the stream's earlier seqs are not in the input by the caller's word (rotated away). */
        BEGINS_LATER(false);

        private final boolean tampering;

        Type(boolean tampering) {
            this.tampering = tampering;
        }

        public boolean tampering() {
            return tampering;
        }

        public String label() {
            return this == BEGINS_LATER ? "begins" : name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    @Override
    public String toString() {
        return type.label() + " at seq " + seq + (stream == null ? "" : " of stream " + stream) + ": " + detail;
    }
}
