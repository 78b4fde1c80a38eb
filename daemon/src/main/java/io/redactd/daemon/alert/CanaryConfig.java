package io.redactd.daemon.alert;

import io.redactd.outputs.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code alerts.canary:} the self-test that pushes synthetic PHI through the redactor at start and every interval.
 *
 * @param enabled  default true (when alerts are enabled)
 * @param interval default 5m
 */
public record CanaryConfig(Boolean enabled, String interval) {
    public static final CanaryConfig DEFAULT = new CanaryConfig(null, null);

    public CanaryConfig {
        enabled = enabled == null || enabled;
        interval = interval == null ? "5m" : interval;
    }

    public Duration intervalDuration() {
        return DurationText.parse(interval);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        Duration d = intervalDuration();
        if (d == null || d.toMillis() < 100) {
            problems.add(ConfigProblem.of("interval", "expected a duration of at least 100ms, such as 5m"));
        }
        return problems;
    }
}
