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
    private LineResult last;

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
        last = redactor.redact(line.getBytes(StandardCharsets.UTF_8));
        return new String(last.output(), last.outputOffset(), last.outputLength(), StandardCharsets.UTF_8);
    }

    /** The result of the last {@link #apply} call (valid until the next). */
    LineResult lastResult() {
        return last;
    }
}
