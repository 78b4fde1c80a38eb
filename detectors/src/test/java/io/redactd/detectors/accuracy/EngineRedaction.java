package io.redactd.detectors.accuracy;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/** The production redactor (default settings, full catalog) as a String function for scoring. */
final class EngineRedaction implements UnaryOperator<String> {
    private final Redactor redactor;
    private final String engineName;

    EngineRedaction(EngineChoice engine) {
        DetectionPlan plan = DetectionPlan.compile(DetectionSettings.defaults().withEngine(engine));
        this.redactor = plan.newRedactor();
        this.engineName = plan.engineName();
    }

    String engineName() {
        return engineName;
    }

    @Override
    public String apply(String line) {
        LineResult r = redactor.redact(line.getBytes(StandardCharsets.UTF_8));
        return new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.UTF_8);
    }

    /** Redacts raw bytes (which need not be valid UTF-8) and returns the result, valid until the next call. */
    LineResult redactBytes(byte[] line, int off, int len) {
        return redactor.redact(line, off, len);
    }
}
