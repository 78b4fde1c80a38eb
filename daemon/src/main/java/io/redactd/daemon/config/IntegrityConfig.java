package io.redactd.daemon.config;

import io.redactd.outputs.ConfigProblem;

import java.util.List;

/**
 * {@code integrity:} placeholder until the hash chain lands (its owner extends this record).
 *
 * @param enabled default false
 */
public record IntegrityConfig(Boolean enabled) {
    public IntegrityConfig {
        enabled = enabled != null && enabled;
    }

    public List<ConfigProblem> validate() {
        return List.of();
    }
}
