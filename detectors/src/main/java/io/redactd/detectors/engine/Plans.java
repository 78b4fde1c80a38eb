package io.redactd.detectors.engine;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;

/** Chooses and compiles the engine for a plan. */
public final class Plans {
    private Plans() {
    }

    public static DetectionPlan compile(DetectionSettings settings) {
        throw new UnsupportedOperationException("engines not implemented yet");
    }
}
