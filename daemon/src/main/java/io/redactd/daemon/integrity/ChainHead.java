package io.redactd.daemon.integrity;

/**
 * The durable position of a chain: what the next event links to.
 *
 * @param stream            chain.stream
 * @param seq               seq of the last committed event (0 before the first)
 * @param hash              its chain.hash (64 zeros before the first)
 * @param lastCheckpointSeq seq of the last checkpoint event (0 if none yet)
 * @param keyIndex          index of the key that seals the next checkpoint
 */
public record ChainHead(String stream, long seq, String hash, long lastCheckpointSeq, long keyIndex) {
    public ChainHead {
        if (seq < 0 || lastCheckpointSeq < 0 || lastCheckpointSeq > seq || keyIndex < 0) {
            throw new IllegalArgumentException("inconsistent chain head: seq " + seq + ", last checkpoint "
                    + lastCheckpointSeq + ", key index " + keyIndex);
        }
        if (!Hex.isSha256Hex(hash)) {
            throw new IllegalArgumentException("chain head hash is not 64 lowercase hex digits");
        }
    }
}
