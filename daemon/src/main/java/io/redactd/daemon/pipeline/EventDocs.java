package io.redactd.daemon.pipeline;

import java.util.List;

/**
 * Serialized events on their way to the chain stage.
 *
 * @param docs    canonical JSON documents, without a chain member
 * @param chainAt for each document, where its top-level {@code chain} member belongs (see
 *                {@code EventWriter.chainAt}), or null when unknown (then the chain stage finds it by scanning)
 */
record EventDocs(List<byte[]> docs, int[] chainAt) {
    static EventDocs of(List<byte[]> docs) {
        return new EventDocs(docs, null);
    }

    int chainAt(int i) {
        return chainAt == null ? 0 : chainAt[i];
    }
}
