package io.redactd.detectors;

import java.util.List;

/**
 * A compiled set of detectors: thread-safe and expensive to build (pattern databases are compiled once), cheap to
 * derive per-thread {@link Redactor}s from.
 */
public interface DetectionPlan {
    /** Compiles settings into a plan; throws IllegalArgumentException with a specific message on bad settings. */
    static DetectionPlan compile(DetectionSettings settings) {
        return io.redactd.detectors.engine.Plans.compile(settings);
    }

    /** "hyperscan" or "portable". */
    String engineName();

    List<DetectorInfo> detectors();

    Redactor newRedactor();
}
