package io.redactd.daemon.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.redactd.daemon.alert.AlertHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanaryTest {
    private static DetectionPlan full;
    private final Vertx vertx = Vertx.vertx();

    @BeforeAll
    static void compile() {
        full = DetectionPlan.compile(DetectionSettings.defaults());
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String yaml(WebhookReceiver rx) {
        return """
                alerts:
                  enabled: true
                  targets:
                    - {type: webhook, url: "%s", insecure: true}
                """.formatted(rx.url("/hook"));
    }

    @Test
    void canaryPassesThroughTheRedactorAndReportsOk(@TempDir Path dir) throws Exception {
        DetectionPlan plan = full;
        try (WebhookReceiver rx = new WebhookReceiver(vertx);
             AlertHarness h = new AlertHarness(vertx, plan, dir, yaml(rx), Map.of())) {
            Canary canary = new Canary(vertx, h.pipeline, h.alerts, plan.detectors(), Duration.ofMinutes(5), h.registry);
            assertThat(canary.values().keySet()).containsExactly("SSN", "EMAIL", "CREDIT_CARD", "PHONE");
            assertThat(await(canary.run())).isTrue();
            assertThat(await(canary.run())).isTrue();
            assertThat(h.registry.find("redactd.canary.ok").gauge().value()).isEqualTo(1.0);
            assertThat(h.counter("redactd.canary.runs", "result", "pass")).isEqualTo(2);
            assertThat(canary.state()).startsWith("ok at ");
            assertThat(canary.failedClosed()).isFalse();
            assertThat(h.pipeline.forwarding()).isTrue();
            // The canary is a self-test, not a leak: no alert, nothing written.
            assertThat(rx.requests).isEmpty();
            assertThat(Files.size(h.outFile)).isZero();
        }
    }

    @Test
    void canaryComingOutUnredactedStopsForwardingAndAlerts(@TempDir Path dir) throws Exception {
        // A plan that lost its SSN detector while the canary still expects one: the SSN passes through.
        DetectionPlan broken = DetectionPlan.compile(new DetectionSettings(EngineChoice.AUTO, Set.of(), Set.of("SSN"), Map.of(),
                List.of(), Map.of(), null, null));
        try (WebhookReceiver rx = new WebhookReceiver(vertx);
             AlertHarness h = new AlertHarness(vertx, broken, dir, yaml(rx), Map.of())) {
            Canary canary = new Canary(vertx, h.pipeline, h.alerts, full.detectors(), Duration.ofMinutes(5), h.registry);
            Map<String, String> values = canary.values();
            assertThat(await(canary.run())).isFalse();
            assertThat(canary.failedClosed()).isTrue();
            assertThat(h.pipeline.forwarding()).isFalse();
            assertThat(h.registry.find("redactd.canary.ok").gauge().value()).isZero();
            assertThat(h.counter("redactd.canary.runs", "result", "fail")).isEqualTo(1);

            JsonNode a = rx.await("/hook", 1, r -> true, Duration.ofSeconds(10)).get(0).json();
            assertThat(a.get("kind").asText()).isEqualTo("canary_failed");
            assertThat(a.get("severity").asText()).isEqualTo("critical");
            assertThat(a.get("types").get(0).asText()).isEqualTo("SSN");
            assertThat(a.has("redacted_line")).isFalse();

            // Fail closed: the pipeline refuses further events; inputs back off and retry.
            assertThatThrownBy(() -> await(h.submit("app", "/var/log/a.log", 0, List.of("hello"))))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(Pipeline.ForwardingStoppedException.class);
            // The canary-failed alert itself still goes into the event stream (chained, auditable).
            AlertHarness.pollUntil("the alert event", Duration.ofSeconds(10),
                    () -> Files.exists(h.outFile) && Files.readString(h.outFile).contains("\"canary_failed\""));
            String out = Files.readString(h.outFile);
            assertThat(out).doesNotContain("hello");
            for (String v : values.values()) {
                assertThat(out).doesNotContain(v);
                assertThat(rx.requests.get(0).text()).doesNotContain(v);
            }
        }
    }
}
