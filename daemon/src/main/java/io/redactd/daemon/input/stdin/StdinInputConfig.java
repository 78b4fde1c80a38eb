package io.redactd.daemon.input.stdin;

import io.redactd.daemon.input.EventLimit;
import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: stdin}: lines from the daemon's standard input ({@code producer | redactd run --config ...}).
 *
 * @param maxLineBytes       longer lines are not forwarded; they are counted and logged (default and largest: 1 MiB,
 *                           what detection accepts)
 * @param batchMaxEvents     lines per batch (default 512); a batch is also handed on when the lines already read
 *                           run out, so a slow producer's lines are not held back
 * @param maxBatchesInFlight reading pauses while this many batches are unacknowledged (default 4)
 */
public record StdinInputConfig(Integer maxLineBytes, Integer batchMaxEvents, Integer maxBatchesInFlight) {
    public StdinInputConfig {
        maxLineBytes = maxLineBytes == null ? EventLimit.MAX_BYTES : maxLineBytes;
        batchMaxEvents = batchMaxEvents == null ? 512 : batchMaxEvents;
        maxBatchesInFlight = maxBatchesInFlight == null ? 4 : maxBatchesInFlight;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        EventLimit.problem(maxLineBytes, 1024).ifPresent(p -> problems.add(ConfigProblem.of("max_line_bytes", p)));
        if (batchMaxEvents < 1 || batchMaxEvents > 100_000) {
            problems.add(ConfigProblem.of("batch_max_events", "must be between 1 and 100000, got " + batchMaxEvents));
        }
        if (maxBatchesInFlight < 1 || maxBatchesInFlight > 1024) {
            problems.add(ConfigProblem.of("max_batches_in_flight", "must be between 1 and 1024, got " + maxBatchesInFlight));
        }
        return problems;
    }
}
