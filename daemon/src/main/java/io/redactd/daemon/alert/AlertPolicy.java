package io.redactd.daemon.alert;

import io.redactd.daemon.config.AlertsConfig;

import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which findings are leaks: {@code alerts.sources} rules in order, first match wins; a source no rule matches treats
 * every type as a leak. A rule with {@code expected: true}, or a type outside a rule's {@code types}, is only counted.
 * Also the severity per type.
 */
public final class AlertPolicy {
    private record Rule(SourceRule rule, PathMatcher matcher, Set<String> types) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Severity> severity = new HashMap<>();
    private final Severity defaultSeverity;
    /** Source key -> matching rule index (-1: none); sources are few, so this stays small. */
    private final Map<String, Integer> cache = new HashMap<>();

    public AlertPolicy(AlertsConfig config) {
        for (SourceRule r : config.sources()) {
            rules.add(new Rule(r, r.pathMatcher(), Set.copyOf(r.types())));
        }
        config.severity().forEach((type, s) -> severity.put(type, Severity.parse(s)));
        defaultSeverity = Severity.parse(config.defaultSeverity());
    }

    /** True when a finding of {@code type} in {@code source} raises an alert; false: only counted. Not thread-safe. */
    public boolean isLeak(AlertSource source, String type) {
        int idx = cache.computeIfAbsent(source.key(), k -> match(source));
        if (idx < 0) {
            return true;
        }
        Rule r = rules.get(idx);
        return !r.rule().expected() && (r.types().isEmpty() || r.types().contains(type));
    }

    private int match(AlertSource source) {
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            boolean input = r.rule().input() == null || r.rule().input().equals(source.input());
            if (input && r.rule().matchesPath(r.matcher(), source.path())) {
                return i;
            }
        }
        return -1;
    }

    public Severity severity(String type) {
        return severity.getOrDefault(type, defaultSeverity);
    }
}
