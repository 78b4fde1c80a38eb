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

    Future<Void> stop();
}
