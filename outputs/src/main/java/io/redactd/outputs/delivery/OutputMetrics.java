package io.redactd.outputs.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Per-output delivery counters, tagged {@code output=<id>} (the configured id; never event data). Prometheus names:
 * {@code redactd_output_sent_total}, {@code redactd_output_retried_total}, {@code redactd_output_dead_lettered_total},
 * {@code redactd_output_protocol_errors_total}.
 */
public final class OutputMetrics {
    private final Counter sent;
    private final Counter retried;
    private final Counter deadLettered;
    private final Counter protocolErrors;

    public OutputMetrics(MeterRegistry registry, String outputId, String type) {
        this.sent = Counter.builder("redactd.output.sent").description("documents accepted by the destination")
                .tags("output", outputId, "type", type).register(registry);
        this.retried = Counter.builder("redactd.output.retried").description("documents sent again after a failure")
                .tags("output", outputId, "type", type).register(registry);
        this.deadLettered = Counter.builder("redactd.output.dead_lettered")
                .description("documents rejected for good and written to the dead-letter file")
                .tags("output", outputId, "type", type).register(registry);
        this.protocolErrors = Counter.builder("redactd.output.protocol_errors")
                .description("answers that were not the destination's protocol (an HTML page, an empty 200): retried")
                .tags("output", outputId, "type", type).register(registry);
    }

    public void protocolError() {
        protocolErrors.increment();
    }

    public long protocolErrorCount() {
        return (long) protocolErrors.count();
    }

    public void sent(long documents) {
        sent.increment(documents);
    }

    public void retried(long documents) {
        retried.increment(documents);
    }

    public void deadLettered(long documents) {
        deadLettered.increment(documents);
    }

    public long sentCount() {
        return (long) sent.count();
    }

    public long retriedCount() {
        return (long) retried.count();
    }

    public long deadLetteredCount() {
        return (long) deadLettered.count();
    }
}
