package io.redactd.daemon.config;

import io.redactd.daemon.input.Input;
import io.redactd.detectors.DetectionSettings;
import io.redactd.outputs.Output;
import io.redactd.outputs.buffer.DiskBufferConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded, valid configuration.
 *
 * @param detection the detection settings built from {@code detectors} (tokenization key read)
 * @param buffer    the disk buffer every output reads from ({@code path} still unresolved: see
 *                  {@link DiskBufferConfig#inStateDir})
 */
public record RedactdConfig(List<ConfiguredComponent<?, Input>> inputs, List<ConfiguredComponent<?, Output>> outputs,
                            DetectorsConfig detectors, DetectionSettings detection, AlertsConfig alerts,
                            IntegrityConfig integrity, AdminConfig admin, PipelineConfig pipeline, DiskBufferConfig buffer,
                            Path stateDir) {
    public static final String DEFAULT_STATE_DIR = "/var/lib/redactd";
}
