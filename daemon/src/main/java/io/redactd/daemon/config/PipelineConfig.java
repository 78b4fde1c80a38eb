package io.redactd.daemon.config;

import io.redactd.daemon.pipeline.AdmissionBudget;
import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code pipeline:} tuning of the detection stage. The defaults fit most hosts.
 *
 * @param workers               detection threads (default: the number of cores)
 * @param maxBatchesInFlight    batches accepted but not yet written, across all inputs (default 64); further batches
 *                              wait unstarted (their bytes still count in the admission budget)
 * @param maxAdmittedBytes      the admission budget: bytes of batches submitted and not yet acknowledged, across all
 *                              inputs, at which syslog connections are paused and files no longer read (default: an
 *                              eighth of the heap, {@code -Xmx512m}: 64 MiB); null here means that default
 * @param resumeAdmittedBytes   reading resumes once the admitted bytes fall to this (default: half the budget)
 */
public record PipelineConfig(Integer workers, Integer maxBatchesInFlight, Long maxAdmittedBytes,
                             Long resumeAdmittedBytes) {
    public PipelineConfig {
        workers = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        maxBatchesInFlight = maxBatchesInFlight == null ? 64 : maxBatchesInFlight;
    }

    /** The budget these settings give in this JVM. */
    public AdmissionBudget admissionBudget() {
        return AdmissionBudget.of(maxAdmittedBytes, resumeAdmittedBytes);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (workers < 1 || workers > 256) {
            problems.add(ConfigProblem.of("workers", "must be between 1 and 256, got " + workers));
        }
        if (maxBatchesInFlight < 1 || maxBatchesInFlight > 100_000) {
            problems.add(ConfigProblem.of("max_batches_in_flight", "must be between 1 and 100000, got " + maxBatchesInFlight));
        }
        if (maxAdmittedBytes != null && maxAdmittedBytes < AdmissionBudget.MIN_HIGH_WATER) {
            problems.add(ConfigProblem.of("max_admitted_bytes", "must be at least " + AdmissionBudget.MIN_HIGH_WATER
                    + " (4 MiB), got " + maxAdmittedBytes));
        }
        if (resumeAdmittedBytes != null) {
            if (maxAdmittedBytes == null) {
                // The default budget depends on the heap of the JVM that runs the daemon, not the one that checks.
                problems.add(ConfigProblem.of("resume_admitted_bytes", "needs max_admitted_bytes to be set too"));
            } else if (resumeAdmittedBytes < 0 || resumeAdmittedBytes >= maxAdmittedBytes) {
                problems.add(ConfigProblem.of("resume_admitted_bytes", "must be at least 0 and below max_admitted_bytes ("
                        + maxAdmittedBytes + "), got " + resumeAdmittedBytes));
            }
        }
        return problems;
    }
}
