package io.redactd.daemon.input;

import io.vertx.core.Future;

/** A running input component. Built from its config by the component registry. */
public interface Input {
    String id();

    /** Opens sources and starts reading; completes when the input is open (for /readyz). */
    Future<Void> start();

    /** Stops reading, waits for in-flight batches to be acknowledged, commits positions. */
    Future<Void> stop();
}
