package io.redactd.detectors;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything needed to compile a {@link DetectionPlan}. The daemon builds this from its YAML config; the CLI builds it
 * from defaults.
 *
 * @param engine          engine choice
 * @param enabledTypes    PHI types to detect; empty means the whole built-in catalog
 * @param disabledTypes   PHI types switched off
 * @param actions         per-type action overrides (type to action)
 * @param custom          user-defined detectors
 * @param fieldRules      JSON field-name rules (e.g. {@code patient.name}, {@code *.ssn}) mapped to the type they
 *                        redact as; a matching field's whole string/number value is redacted
 * @param tokenKey        HMAC key for TOKENIZE, or null when tokenization is not configured
 * @param tokenKeyId      short id of that key, included in tokens so keys can be rotated
 */
public record DetectionSettings(EngineChoice engine, Set<String> enabledTypes, Set<String> disabledTypes,
                                Map<String, Action> actions, List<CustomDetector> custom,
                                Map<String, String> fieldRules, byte[] tokenKey, String tokenKeyId) {

    public static DetectionSettings defaults() {
        return new DetectionSettings(EngineChoice.AUTO, Set.of(), Set.of(), Map.of(), List.of(), Map.of(), null, null);
    }

    public DetectionSettings withEngine(EngineChoice e) {
        return new DetectionSettings(e, enabledTypes, disabledTypes, actions, custom, fieldRules, tokenKey, tokenKeyId);
    }
}
