package io.redactd.daemon.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /metrics?name[]=}: a family is selected by its exposed sample name or its registered name. */
class MetricFamiliesTest {
    @Test
    void exposedAndRegisteredNamesSelectTheSameFamily() {
        assertThat(AdminServer.families(List.of("redactd_output_events_total", "redactd_detection_seconds_bucket", "x")))
                .contains("redactd_output_events_total", "redactd_output_events", "redactd_detection_seconds", "x");

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("redactd.output.events").tag("output", "o").register(registry).increment(3);
        Counter.builder("redactd.input.events").tag("input", "i").register(registry).increment();
        String one = registry.scrape("text/plain; version=0.0.4", AdminServer.families(List.of("redactd_output_events_total")));
        assertThat(one).contains("redactd_output_events_total{output=\"o\"} 3.0").doesNotContain("redactd_input_events");
        assertThat(registry.scrape("text/plain; version=0.0.4", AdminServer.families(List.of("nothing_total"))))
                .doesNotContain("redactd_");
    }
}
