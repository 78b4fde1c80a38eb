package io.redactd.daemon.config;

import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code pipeline:} tuning of the detection stage. The defaults fit most hosts.
 *
 * @param workers               detection threads (default: the number of cores)
 * @param maxBatchesInFlight    batches accepted but not yet written, across all inputs (default 64); when reached,
 *                              inputs wait, so memory stays bounded while an output is slow
 */
public record PipelineConfig(Integer workers, Integer maxBatchesInFlight) {
    public PipelineConfig {
        workers = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        maxBatchesInFlight = maxBatchesInFlight == null ? 64 : maxBatchesInFlight;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (workers < 1 || workers > 256) {
            problems.add(ConfigProblem.of("workers", "must be between 1 and 256, got " + workers));
        }
        if (maxBatchesInFlight < 1 || maxBatchesInFlight > 100_000) {
            problems.add(ConfigProblem.of("max_batches_in_flight", "must be between 1 and 100000, got " + maxBatchesInFlight));
        }
        return problems;
    }
}
