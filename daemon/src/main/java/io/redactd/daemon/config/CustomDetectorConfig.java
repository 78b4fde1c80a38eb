package io.redactd.daemon.config;

import io.redactd.detectors.Action;
import io.redactd.detectors.CustomDetector;
import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One {@code detectors.custom[]} entry. The pattern itself is checked when the detection plan compiles
 * ({@code check-config} does that too).
 *
 * @param id        unique id, lower case ({@code acme_patient_id})
 * @param type      PHI type reported ({@code MRN}, or a new one such as {@code ACME_ID})
 * @param pattern   RE2/Hyperscan-compatible regex: no backreferences, no lookaround
 * @param validator a built-in validator name ({@code luhn}, {@code ssn}, ...) or absent
 * @param context   words of which one must appear near the match
 * @param action    {@code mask} (default), {@code partial}, {@code tokenize} or {@code drop}
 */
public record CustomDetectorConfig(String id, String type, String pattern, String validator, List<String> context,
                                   String action) {
    public CustomDetectorConfig {
        context = context == null ? List.of() : context;
        action = action == null ? "mask" : action;
    }

    public CustomDetector toDetector() {
        return new CustomDetector(id, type, pattern, validator, context, Action.valueOf(action.toUpperCase(Locale.ROOT)));
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (id == null || !id.matches("[a-z0-9][a-z0-9_.-]*")) {
            problems.add(ConfigProblem.of("id", "a lower-case id such as acme_patient_id is required"));
        }
        if (type == null || !type.matches("[A-Z][A-Z0-9_]*")) {
            problems.add(ConfigProblem.of("type", "an upper-case PHI type such as MRN is required"));
        }
        if (pattern == null || pattern.isEmpty()) {
            problems.add(ConfigProblem.of("pattern", "no pattern given"));
        }
        if (!Set.of("mask", "partial", "tokenize", "drop").contains(action)) {
            problems.add(ConfigProblem.of("action", "must be mask, partial, tokenize or drop, got '" + action + "'"));
        }
        return problems;
    }
}
