package io.redactd.daemon.pipeline;

import io.vertx.core.Future;

/**
 * Where inputs hand their batches. The returned future completes once every event of the batch is safely handed on
 * (durable in the buffer, or delivered when there is none) or deliberately dropped and counted; only then may the
 * input commit its position. Back-pressure: an input keeps a small bounded number of batches in flight and stops
 * reading until one completes, so a slow output slows reading and memory stays bounded.
 */
public interface EventSink {
    Future<Void> submit(RawBatch batch);

    /**
     * A text an input wants to put in the daemon's own log that is content, not the input's own words (a file's
     * path: applications name files after patients): as the detectors would forward it. Identity unless the sink
     * detects.
     */
    default String shown(String text) {
        return text;
    }
}
