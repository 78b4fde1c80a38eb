package io.redactd.daemon.config;

import io.redactd.daemon.input.Input;
import io.redactd.detectors.DetectionSettings;
import io.redactd.outputs.Output;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded, valid configuration.
 *
 * @param detection the detection settings built from {@code detectors} (tokenization key read)
 */
public record RedactdConfig(List<ConfiguredComponent<?, Input>> inputs, List<ConfiguredComponent<?, Output>> outputs,
                            DetectorsConfig detectors, DetectionSettings detection, AlertsConfig alerts,
                            IntegrityConfig integrity, AdminConfig admin, PipelineConfig pipeline, Path stateDir) {
    public static final String DEFAULT_STATE_DIR = "/var/lib/redactd";
}
