package io.redactd.daemon.config;

import io.redactd.detectors.Action;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code detectors:} catalog overrides and custom detectors.
 *
 * @param engine       {@code auto} (default), {@code hyperscan} or {@code portable}
 * @param enable       PHI types to detect; empty or absent means the whole catalog
 * @param disable      PHI types switched off
 * @param actions      per-type action: {@code mask}, {@code partial}, {@code tokenize}, {@code drop}
 * @param custom       user-defined detectors
 * @param fieldRules   JSON field-name rules ({@code patient.name}, {@code *.ssn}) to the type they redact as
 * @param tokenization the HMAC key for {@code tokenize}
 */
public record DetectorsConfig(String engine, List<String> enable, List<String> disable, Map<String, String> actions,
                              List<CustomDetectorConfig> custom, Map<String, String> fieldRules,
                              TokenizationConfig tokenization) {
    public DetectorsConfig {
        engine = engine == null ? "auto" : engine;
        enable = enable == null ? List.of() : enable;
        disable = disable == null ? List.of() : disable;
        actions = actions == null ? Map.of() : actions;
        custom = custom == null ? List.of() : custom;
        fieldRules = fieldRules == null ? Map.of() : fieldRules;
    }

    public EngineChoice engineChoice() {
        return EngineChoice.valueOf(engine.toUpperCase(Locale.ROOT));
    }

    public Map<String, Action> actionMap() {
        Map<String, Action> m = new LinkedHashMap<>();
        actions.forEach((type, a) -> m.put(type, Action.valueOf(a.toUpperCase(Locale.ROOT))));
        return m;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (!Set.of("auto", "hyperscan", "portable").contains(engine)) {
            problems.add(ConfigProblem.of("engine", "must be auto, hyperscan or portable, got '" + engine + "'"));
        }
        Set<String> known = knownTypes();
        checkTypes(problems, "enable", enable, known);
        checkTypes(problems, "disable", disable, known);
        for (Map.Entry<String, String> a : actions.entrySet()) {
            String path = "actions." + a.getKey();
            checkType(problems, path, a.getKey(), known);
            String action = a.getValue() == null ? "" : a.getValue();
            if (!Set.of("mask", "partial", "tokenize", "drop").contains(action)) {
                problems.add(ConfigProblem.of(path, "action must be mask, partial, tokenize or drop, got '" + action + "'"));
            } else if (action.equals("tokenize") && tokenization == null) {
                problems.add(ConfigProblem.of(path, "tokenize needs a key: add detectors.tokenization with key_file or key_env and key_id"));
            }
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < custom.size(); i++) {
            CustomDetectorConfig c = custom.get(i);
            String base = "custom[" + i + "]";
            for (ConfigProblem p : c.validate()) {
                problems.add(ConfigProblem.of(base + "." + p.path(), p.message()));
            }
            if (c.id() != null && !ids.add(c.id())) {
                problems.add(ConfigProblem.of(base + ".id", "duplicate custom detector id '" + c.id() + "'"));
            }
            if ("tokenize".equals(c.action()) && tokenization == null) {
                problems.add(ConfigProblem.of(base + ".action", "tokenize needs detectors.tokenization"));
            }
        }
        for (Map.Entry<String, String> r : fieldRules.entrySet()) {
            checkType(problems, "field_rules." + r.getKey(), r.getValue() == null ? "" : r.getValue(), known);
        }
        if (tokenization != null) {
            for (ConfigProblem p : tokenization.validate()) {
                problems.add(ConfigProblem.of("tokenization." + p.path(), p.message()));
            }
        }
        return problems;
    }

    /** Catalog types plus custom ones; null when the catalog is empty (no membership check possible). */
    public Set<String> knownTypes() {
        Set<String> known = new HashSet<>();
        for (DetectorSpec s : Catalog.builtIn()) {
            known.add(s.type());
        }
        if (known.isEmpty()) {
            return null;
        }
        for (CustomDetectorConfig c : custom) {
            if (c.type() != null) {
                known.add(c.type());
            }
        }
        return known;
    }

    /** Built-in types this config switches off ({@code enable} names others, or {@code disable} names them). */
    public Set<String> switchedOffTypes() {
        Set<String> off = new HashSet<>(disable);
        if (!enable.isEmpty()) {
            for (DetectorSpec s : Catalog.builtIn()) {
                if (!enable.contains(s.type())) {
                    off.add(s.type());
                }
            }
        }
        return off;
    }

    private static void checkTypes(List<ConfigProblem> problems, String path, List<String> types, Set<String> known) {
        for (int i = 0; i < types.size(); i++) {
            checkType(problems, path + "[" + i + "]", types.get(i), known);
        }
    }

    private static void checkType(List<ConfigProblem> problems, String path, String type, Set<String> known) {
        if (type == null || !type.matches("[A-Z][A-Z0-9_]*")) {
            problems.add(ConfigProblem.of(path, "PHI type names are upper case, e.g. SSN; got '" + type + "'"));
        } else if (known != null && !known.contains(type)) {
            problems.add(ConfigProblem.of(path, "unknown PHI type '" + type + "' (see `redactd detectors`)"));
        }
    }
}
