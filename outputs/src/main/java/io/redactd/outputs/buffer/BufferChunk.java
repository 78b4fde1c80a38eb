package io.redactd.outputs.buffer;

import java.util.List;

/**
 * Consecutive records read from a cursor.
 *
 * @param documents          the payloads, in append order
 * @param endPosition        the position just after the last record; commit it once the documents are delivered
 * @param firstAppendMillis  wall-clock time the first record was appended (for the oldest-unsent-age metric)
 * @param bytes              payload bytes in this chunk
 */
public record BufferChunk(List<byte[]> documents, long endPosition, long firstAppendMillis, long bytes) {
    public boolean isEmpty() {
        return documents.isEmpty();
    }
}
