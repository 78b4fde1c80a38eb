package io.redactd.daemon.integrity;

import java.io.IOException;

/** Where {@code redactd verify} reads stored events from: an NDJSON file or a search index. */
interface EventSource {
    /** Feeds every stored event to {@code verifier}, reporting progress; throws on I/O or protocol failure. */
    void readAll(StreamVerifier verifier, Progress progress) throws IOException;
}
