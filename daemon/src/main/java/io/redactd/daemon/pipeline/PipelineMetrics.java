package io.redactd.daemon.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's meters. Labels are config ids, PHI type names and fixed reason words only: never data.
 * Prometheus names: {@code redactd_input_events_total{input}}, {@code redactd_input_bytes_total{input}} (events the
 * pipeline took: each counted once, when handed on), {@code redactd_input_refused_events_total{input}} (events of
 * batches the pipeline refused, counted per refusal: the input keeps them and offers them again),
 * {@code redactd_output_events_total{output}}, {@code redactd_output_bytes_total{output}},
 * {@code redactd_findings_total{type}}, {@code redactd_events_dropped_total{reason}},
 * {@code redactd_detection_seconds} (per batch), {@code redactd_utf8_repaired_total},
 * {@code redactd_chain_commit_seconds} (one per chain-head commit) and {@code redactd_chain_commit_batches_total}
 * (batches those commits cover: batches per commit shows how well commits are shared under load; into the disk
 * buffer the batches are acknowledged before the commit, elsewhere by it), {@code redactd_chain_commit_failures_total}
 * (failed head commits: the state directory cannot be written; into the buffer they are retried, and the events the
 * head does not cover yet stay in the buffer, which fills and then slows the inputs),
 * {@code redactd_pipeline_admission_pauses_total{input}} (times a syslog connection or a file input stopped reading
 * because the pipeline's admission budget was exhausted; the gauge {@code redactd_pipeline_admitted_bytes} is the
 * charge, {@code redactd_pipeline_admission_limit_bytes} the high-water mark).
 */
public final class PipelineMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer detection;
    private final Counter repaired;
    private final Timer chainCommit;
    private final Counter chainCommitBatches;
    private final Counter chainCommitFailures;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.detection = Timer.builder("redactd.detection")
                .description("Time to detect and redact one batch on a worker thread")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        this.repaired = Counter.builder("redactd.utf8.repaired")
                .description("Events whose invalid UTF-8 was replaced by U+FFFD before detection")
                .register(registry);
        this.chainCommit = Timer.builder("redactd.chain.commit")
                .description("Time to make the integrity chain head durable (head file write and fsync)")
                .register(registry);
        this.chainCommitBatches = Counter.builder("redactd.chain.commit.batches")
                .description("Batches covered by chain-head commits")
                .register(registry);
        this.chainCommitFailures = Counter.builder("redactd.chain.commit.failures")
                .description("Chain-head commits that failed (the state directory could not be written)")
                .register(registry);
    }

    /** One chain-head commit that took {@code nanos} and covered {@code batches} batches. */
    public void chainCommit(long nanos, int batches) {
        chainCommit.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        chainCommitBatches.increment(batches);
    }

    public void chainCommitFailed() {
        chainCommitFailures.increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + '\0' + value, k -> Counter.builder(name)
                .description(description).tag(tag, value).register(registry));
    }

    /** A batch the pipeline took and handed on (durable in the buffer, or delivered). */
    public void inputBatch(String input, int events, long bytes) {
        counter("redactd.input.events", "input", input, "Events received from an input").increment(events);
        counter("redactd.input.bytes", "input", input, "Raw message bytes received from an input").increment(bytes);
    }

    /** A batch the pipeline refused (the input retries it): counted per refusal, apart from the events received. */
    public void inputRefused(String input, int events) {
        counter("redactd.input.refused.events", "input", input,
                "Events of batches the pipeline refused (the input offers them again)").increment(events);
    }

    /** An input (a connection, a file input's round) stopped reading because the admission budget was exhausted. */
    public void admissionPaused(String input) {
        counter("redactd.pipeline.admission.pauses", "input", input,
                "Times an input stopped reading because the pipeline's admission budget was exhausted").increment();
    }

    public void outputBatch(String output, int events, long bytes) {
        counter("redactd.output.events", "output", output, "Events written by an output").increment(events);
        counter("redactd.output.bytes", "output", output, "Document bytes written by an output").increment(bytes);
    }

    public void findings(String type, int count) {
        counter("redactd.findings", "type", type, "PHI values found, by type").increment(count);
    }

    /** Reasons: {@code drop_action} (a drop action fired), {@code detection_error} (fail closed). */
    public void dropped(String reason, int count) {
        counter("redactd.events.dropped", "reason", reason, "Events not forwarded, by reason").increment(count);
    }

    public void detectionNanos(long nanos) {
        detection.record(Duration.ofNanos(nanos));
    }

    public void repaired() {
        repaired.increment();
    }
}
