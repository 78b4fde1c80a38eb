package io.redactd.detectors.redact;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectorInfo;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.engine.AsciiRegex;
import io.redactd.detectors.engine.CandidateEngine;
import io.redactd.detectors.engine.CompiledDetector;
import io.redactd.detectors.engine.CompiledPattern;
import io.redactd.detectors.engine.StartBounds;

import java.util.List;

/** A compiled plan: the shared engine and detectors, from which each worker thread derives its own redactor. */
public final class RedactionPlan implements DetectionPlan {
    /**
     * The patterns the exact ASCII matcher is proven on (AsciiRegexDifferentialTest): the built-in catalog's. Custom
     * detectors' patterns stay with RE2/J.
     */
    private static final java.util.Set<String> EXACT_CLAIMED = Catalog.builtIn().stream()
            .flatMap(s -> s.patterns().stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());

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
    /** Per pattern, its exact ASCII program (null: RE2/J only), so most spans need no RE2/J. */
    final AsciiRegex[] exact;
    private final List<DetectorInfo> infos;
    /** System property that turns the exact ASCII matcher off (RE2/J for every span): for A/B tests and benchmarks. */
    public static final String RE2_ONLY = "redactd.detect.re2Only";

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
        this.exact = new AsciiRegex[patterns.size()];
        for (CompiledPattern p : patterns) {
            if (!p.isContext() && EXACT_CLAIMED.contains(p.regex()) && !Boolean.getBoolean(RE2_ONLY)) {
                exact[p.index()] = AsciiRegex.compile(p.regex());
            }
        }
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
