package io.redactd.outputs;

import java.util.List;

/**
 * Serialized events: each document is one complete JSON object in UTF-8 without a trailing newline, already redacted
 * and chained.
 */
public record EventBatch(List<byte[]> documents) {
    public int size() {
        return documents.size();
    }
}
