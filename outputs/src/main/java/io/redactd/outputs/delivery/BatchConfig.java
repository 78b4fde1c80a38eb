package io.redactd.outputs.delivery;

import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code batch:} how an output groups documents into one request.
 *
 * @param maxDocuments most documents in one request
 * @param maxBytes     most document bytes in one request (before compression)
 * @param maxWaitMs    longest a document waits for its batch to fill before the batch is sent anyway
 */
public record BatchConfig(Integer maxDocuments, Long maxBytes, Long maxWaitMs) {
    public BatchConfig {
        maxDocuments = maxDocuments == null ? 5000 : maxDocuments;
        maxBytes = maxBytes == null ? 10L << 20 : maxBytes;
        maxWaitMs = maxWaitMs == null ? 1000L : maxWaitMs;
    }

    public static BatchConfig defaults() {
        return new BatchConfig(null, null, null);
    }

    public List<ConfigProblem> validate(String prefix) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (maxDocuments < 1 || maxDocuments > 100_000) {
            problems.add(ConfigProblem.of(prefix + "max_documents", "must be between 1 and 100000, got " + maxDocuments));
        }
        if (maxBytes < 1024 || maxBytes > (100L << 20)) {
            problems.add(ConfigProblem.of(prefix + "max_bytes", "must be between 1024 and 104857600, got " + maxBytes));
        }
        if (maxWaitMs < 0 || maxWaitMs > 60_000) {
            problems.add(ConfigProblem.of(prefix + "max_wait_ms", "must be between 0 and 60000, got " + maxWaitMs));
        }
        return problems;
    }
}
