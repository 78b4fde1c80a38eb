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
     * Bytes the sink takes before its shared admission budget (across every input) is exhausted; 0 while it is. A
     * reader that produces several batches before submitting them stops once it has read about this much.
     */
    default long admissionRoom() {
        return Long.MAX_VALUE;
    }

    /**
     * While the shared admission budget is exhausted: keeps {@code resume} to run once there is room again (on the
     * sink's thread, so it must not block: hop to the input's own context), counts a pause of {@code inputId} and
     * returns true; the input stops reading until then. Otherwise returns false and the input reads on.
     */
    default boolean awaitRoom(String inputId, Runnable resume) {
        return false;
    }

    /**
     * A text an input wants to put in the daemon's own log that is content, not the input's own words (a file's
     * path: applications name files after patients): as the detectors would forward it. Identity unless the sink
     * detects.
     */
    default String shown(String text) {
        return text;
    }
}
