package io.redactd.detectors;

/** Detection failed for an input; the event must be dropped (fail closed). The message never holds input data. */
public final class DetectionException extends RuntimeException {
    public DetectionException(String message) {
        super(message);
    }

    public DetectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
