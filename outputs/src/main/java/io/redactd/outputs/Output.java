package io.redactd.outputs;

import io.vertx.core.Future;

/** A running sink. Receives redacted, serialized event documents only. */
public interface Output {
    String id();

    Future<Void> start();

    /**
     * Delivers a batch in order. Completes when the batch is delivered (or durably dead-lettered and counted); the
     * output retries transient failures itself. A failed future means a fatal, surfaced error.
     */
    Future<Void> write(EventBatch batch);

    /** True while the output accepts events (for /readyz). */
    boolean ready();

    /**
     * Why {@link #ready()} is false, and since when, for /readyz (e.g. {@code "HTTP 403, HEC code 4 (Invalid token)
     * (since 2026-12-07T19:06:13Z)"}); null when ready or unknown. Statuses, codes and hosts only, never event data.
     */
    default String notReadyReason() {
        return null;
    }

    Future<Void> stop();
}
