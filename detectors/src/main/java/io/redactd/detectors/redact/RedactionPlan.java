package io.redactd.detectors.redact;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectorInfo;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.engine.CandidateEngine;
import io.redactd.detectors.engine.CompiledDetector;
import io.redactd.detectors.engine.CompiledPattern;
import io.redactd.detectors.engine.StartBounds;

import java.util.List;

/** A compiled plan: the shared engine and detectors, from which each worker thread derives its own redactor. */
public final class RedactionPlan implements DetectionPlan {
    final CandidateEngine engine;
    final CompiledDetector[] detectors;
    final CompiledPattern[] patterns;
    final StartBounds startBounds;
    final FieldRule[] fieldRules;
    /** Last segment of each field rule: JSON lines without any of them skip the rule walk. */
    final byte[][] ruleFieldNames;
    final byte[] tokenKey;
    final String tokenKeyId;
    /** Per detector, the index of its context-word pattern, or -1 when it needs no context. */
    final int[] contextPatternOf;
    private final List<DetectorInfo> infos;

    public RedactionPlan(CandidateEngine engine, List<CompiledDetector> detectors, List<CompiledPattern> patterns,
                         List<FieldRule> fieldRules, byte[] tokenKey, String tokenKeyId) {
        this.engine = engine;
        this.detectors = detectors.toArray(new CompiledDetector[0]);
        this.patterns = patterns.toArray(new CompiledPattern[0]);
        this.startBounds = new StartBounds(patterns);
        this.fieldRules = fieldRules.toArray(new FieldRule[0]);
        this.ruleFieldNames = fieldRules.stream().map(FieldRule::lastSegment).toArray(byte[][]::new);
        this.tokenKey = tokenKey == null ? null : tokenKey.clone();
        this.tokenKeyId = tokenKeyId;
        this.infos = detectors.stream().map(CompiledDetector::info).toList();
        this.contextPatternOf = new int[detectors.size()];
        java.util.Arrays.fill(contextPatternOf, -1);
        for (CompiledPattern p : patterns) {
            if (p.isContext()) {
                contextPatternOf[p.detector()] = p.index();
            }
        }
    }

    @Override
    public String engineName() {
        return engine.name();
    }

    @Override
    public List<DetectorInfo> detectors() {
        return infos;
    }

    @Override
    public Redactor newRedactor() {
        return new LineRedactor(this);
    }
}
