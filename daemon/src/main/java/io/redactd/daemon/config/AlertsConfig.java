package io.redactd.daemon.config;

import io.redactd.outputs.ConfigProblem;

import java.util.List;

/**
 * {@code alerts:} placeholder until leak alerts land (their owner extends this record). Accepted and checked so a
 * config written today keeps its meaning.
 *
 * @param enabled default false
 */
public record AlertsConfig(Boolean enabled) {
    public AlertsConfig {
        enabled = enabled != null && enabled;
    }

    public List<ConfigProblem> validate() {
        return List.of();
    }
}
