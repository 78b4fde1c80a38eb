package io.redactd.daemon.config;

import io.redactd.daemon.alert.AlertTargetConfig;
import io.redactd.daemon.alert.CanaryConfig;
import io.redactd.daemon.alert.DurationText;
import io.redactd.daemon.alert.Severity;
import io.redactd.daemon.alert.SourceRule;
import io.redactd.outputs.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code alerts:} leak alerts (see {@code io.redactd.daemon.alert}).
 *
 * @param enabled         default false
 * @param window          a (source, type) pair alerts once per window; later findings fold into a summary at its end
 *                        (default 60s)
 * @param ratePerSecond   global token bucket refill for alerts (default 5)
 * @param burst           token bucket size (default 20); alerts beyond it fold into a storm summary
 * @param queue           findings waiting between the redactor and the alert manager (default 10000); overflow is
 *                        counted and reported in the next storm summary
 * @param lineLimit       characters of the redacted line an alert carries (default 512)
 * @param defaultSeverity severity of a type not listed in {@code severity} (default error)
 * @param severity        PHI type to severity ({@code critical}, {@code error}, {@code warning}, {@code info})
 * @param sources         policy rules, first match wins; an event no rule matches: every type is a leak
 * @param targets         where alerts go, several at once
 * @param canary          the redaction self-test
 */
public record AlertsConfig(Boolean enabled, String window, Integer ratePerSecond, Integer burst, Integer queue,
                           Integer lineLimit, String defaultSeverity, Map<String, String> severity,
                           List<SourceRule> sources, List<AlertTargetConfig> targets, CanaryConfig canary) {
    public AlertsConfig {
        enabled = enabled != null && enabled;
        window = window == null ? "60s" : window;
        ratePerSecond = ratePerSecond == null ? 5 : ratePerSecond;
        burst = burst == null ? 20 : burst;
        queue = queue == null ? 10_000 : queue;
        lineLimit = lineLimit == null ? 512 : lineLimit;
        defaultSeverity = defaultSeverity == null ? "error" : defaultSeverity;
        severity = severity == null ? Map.of() : Map.copyOf(severity);
        sources = sources == null ? List.of() : List.copyOf(sources);
        targets = targets == null ? List.of() : List.copyOf(targets);
        canary = canary == null ? CanaryConfig.DEFAULT : canary;
    }

    public Duration windowDuration() {
        return DurationText.parse(window);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        Duration w = windowDuration();
        if (w == null || w.toMillis() < 10) {
            problems.add(ConfigProblem.of("window", "expected a duration of at least 10ms, such as 60s"));
        }
        if (ratePerSecond < 1) {
            problems.add(ConfigProblem.of("rate_per_second", "must be at least 1"));
        }
        if (burst < 1) {
            problems.add(ConfigProblem.of("burst", "must be at least 1"));
        }
        if (queue < 1 || queue > 10_000_000) {
            problems.add(ConfigProblem.of("queue", "must be from 1 to 10000000"));
        }
        if (lineLimit < 0 || lineLimit > 65_536) {
            problems.add(ConfigProblem.of("line_limit", "must be from 0 to 65536"));
        }
        if (Severity.parse(defaultSeverity) == null) {
            problems.add(ConfigProblem.of("default_severity", "must be critical, error, warning or info"));
        }
        for (Map.Entry<String, String> s : severity.entrySet()) {
            if (!s.getKey().matches("[A-Z][A-Z0-9_]*")) {
                problems.add(ConfigProblem.of("severity." + s.getKey(), "PHI type names are upper case, e.g. SSN"));
            }
            if (Severity.parse(s.getValue()) == null) {
                problems.add(ConfigProblem.of("severity." + s.getKey(), "must be critical, error, warning or info"));
            }
        }
        for (int i = 0; i < sources.size(); i++) {
            prefix(problems, "sources[" + i + "]", sources.get(i).validate());
        }
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            AlertTargetConfig t = targets.get(i);
            prefix(problems, "targets[" + i + "]", t.validate());
            String id = t.id() == null ? t.type() + "_" + i : t.id();
            if (!ids.add(id)) {
                problems.add(ConfigProblem.of("targets[" + i + "].id", "duplicate alert target id '" + id + "'"));
            }
        }
        prefix(problems, "canary", canary.validate());
        return problems;
    }

    /**
     * The checks that need the rest of the config, run by the loader after {@link #validate()}: PHI type names in
     * {@code sources[].types} and {@code severity} must be detected types (catalog or custom), {@code sources[].input}
     * an input id. A typo there would otherwise match nothing and silently turn alerts off. With alerts enabled, the
     * targets' secrets are read too (as the start will), so a missing file is reported here and not at start.
     *
     * @param knownTypes PHI types the detectors can report; null: not checked (the detectors section has problems)
     * @param inputIds   ids of the configured inputs
     */
    /** A policy naming a type the detectors switch off: an alert on it could never fire, which reads as all clear. */
    public List<ConfigProblem> switchedOff(Set<String> offTypes) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            for (int j = 0; j < sources.get(i).types().size(); j++) {
                String t = sources.get(i).types().get(j);
                if (offTypes.contains(t)) {
                    problems.add(ConfigProblem.of("sources[" + i + "].types[" + j + "]", "PHI type '" + t
                            + "' is switched off in detectors (enable/disable): this rule could never alert"));
                }
            }
        }
        return problems;
    }

    public List<ConfigProblem> crossCheck(Map<String, String> env, Set<String> knownTypes,
                                          Set<String> inputIds) {
        List<ConfigProblem> problems = new ArrayList<>();
        String typeList = knownTypes == null ? "" : String.join(", ", new TreeSet<>(knownTypes));
        for (int i = 0; i < sources.size(); i++) {
            SourceRule r = sources.get(i);
            if (r.input() != null && !inputIds.contains(r.input())) {
                problems.add(ConfigProblem.of("sources[" + i + "].input", "no input has the id '" + r.input()
                        + "' (input ids: " + String.join(", ", new TreeSet<>(inputIds)) + ")"));
            }
            for (int j = 0; j < r.types().size(); j++) {
                String t = r.types().get(j);
                if (knownTypes != null && t != null && t.matches("[A-Z][A-Z0-9_]*") && !knownTypes.contains(t)) {
                    problems.add(ConfigProblem.of("sources[" + i + "].types[" + j + "]", "unknown PHI type '" + t
                            + "': no detector reports it (known: " + typeList + ")"));
                }
            }
        }
        for (String t : severity.keySet()) {
            if (knownTypes != null && t.matches("[A-Z][A-Z0-9_]*") && !knownTypes.contains(t)) {
                problems.add(ConfigProblem.of("severity." + t, "unknown PHI type '" + t
                        + "': no detector reports it (known: " + typeList + ")"));
            }
        }
        if (enabled) {
            for (int i = 0; i < targets.size(); i++) {
                prefix(problems, "targets[" + i + "]", targets.get(i).secretProblems(env));
            }
        }
        return problems;
    }

    private static void prefix(List<ConfigProblem> into, String base, List<ConfigProblem> problems) {
        for (ConfigProblem p : problems) {
            into.add(ConfigProblem.of(p.path().isEmpty() ? base : base + "." + p.path(), p.message()));
        }
    }
}
