package io.redactd.daemon.integrity;

/**
 * The sealed fields of a checkpoint event ({@code event.kind: "checkpoint"}), found under its top-level
 * {@code checkpoint} object.
 *
 * @param stream   the chain the checkpoint seals (also its own {@code chain.stream}); binds the MAC to the stream
 * @param headSeq  seq of the last event it covers (the checkpoint's own seq minus one)
 * @param headHash chain.hash of that event
 * @param count    events covered since the previous checkpoint of this stream: {@code headSeq} minus the previous
 *                 checkpoint's own seq (0 when none)
 * @param keyIndex {@code i} of the key {@code K[i]} that made the MAC; +1 per checkpoint within a stream
 * @param mac      lowercase hex HMAC-SHA-256(K[i], {@link #message()})
 * @param sig      lowercase hex Ed25519 signature over {@link #message()}, or null
 */
public record Checkpoint(String stream, long headSeq, String headHash, long count, long keyIndex, String mac,
                         String sig) {

    /**
     * The bytes the MAC and the signature cover: the canonical JSON of
     * {@code {"count":..,"head_hash":..,"head_seq":..,"key_index":..,"stream":..}}.
     */
    public byte[] message() {
        return message(stream, headSeq, headHash, count, keyIndex);
    }

    static byte[] message(String stream, long headSeq, String headHash, long count, long keyIndex) {
        return new CanonicalWriter(192).raw('{')
                .key("count").number(count).raw(',')
                .key("head_hash").string(headHash).raw(',')
                .key("head_seq").number(headSeq).raw(',')
                .key("key_index").number(keyIndex).raw(',')
                .key("stream").string(stream)
                .raw('}').toByteArray();
    }
}
