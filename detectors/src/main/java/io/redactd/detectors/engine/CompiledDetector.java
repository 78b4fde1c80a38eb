package io.redactd.detectors.engine;

import io.redactd.detectors.Action;
import io.redactd.detectors.DetectorInfo;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.validate.Validator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One detector as the redactor applies it: the spec with its configured action resolved and its context words
 * pre-encoded as lower-case UTF-8 so the hot path compares bytes.
 */
public record CompiledDetector(int index, DetectorSpec spec, Action action, byte[] typeBytes, byte[][] context) {

    static CompiledDetector of(int index, DetectorSpec spec, Action action) {
        byte[][] words = new byte[spec.context().size()][];
        for (int i = 0; i < words.length; i++) {
            words[i] = spec.context().get(i).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        }
        return new CompiledDetector(index, spec, action, spec.type().getBytes(StandardCharsets.US_ASCII), words);
    }

    public String id() {
        return spec.id();
    }

    public String type() {
        return spec.type();
    }

    public Validator validator() {
        return spec.validator();
    }

    public boolean contextRequired() {
        return spec.contextRequired() && context.length > 0;
    }

    public int contextWindow() {
        return spec.contextWindow();
    }

    public int priority() {
        return spec.priority();
    }

    public int valueGroup() {
        return spec.valueGroup();
    }

    public DetectorSpec.Normalization normalization() {
        return spec.normalization();
    }

    public DetectorInfo info() {
        return new DetectorInfo(spec.id(), spec.type(), spec.description(), spec.validatorName(), List.copyOf(spec.context()),
                spec.contextRequired(), action);
    }
}
