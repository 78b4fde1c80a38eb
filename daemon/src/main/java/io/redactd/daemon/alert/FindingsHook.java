package io.redactd.daemon.alert;

import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.detectors.LineResult;

/**
 * Called by the pipeline's redactor stage, on the detection worker thread, for every event with findings. Must
 * return at once: the pipeline never waits for alerts.
 */
public interface FindingsHook {
    /**
     * @param redacted the event's redacted text as forwarded, or null when a drop action removed the event
     */
    void found(String inputId, RawEvent event, LineResult result, byte[] redacted);
}
