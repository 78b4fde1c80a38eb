package io.redactd.daemon.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.synthetic.PhiValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.redactd.daemon.alert.AlertHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Which findings alert (policy) and how a storm is rate-limited and summarized. */
class AlertPolicyTest {
    private static DetectionPlan plan;
    private final Vertx vertx = Vertx.vertx();
    private final PhiValues phi = new PhiValues(new Random(99));

    @BeforeAll
    static void compile() {
        plan = DetectionPlan.compile(DetectionSettings.defaults());
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String ssnLine() {
        return "patient ssn " + PhiValues.dashedSsn(phi.ssnDigits());
    }

    private String emailLine() {
        return "mail to " + phi.email();
    }

    @Test
    void expectedSourcesAreCountedAndTypeListsNarrowWhatLeaks(@TempDir Path dir) throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            String yaml = """
                    alerts:
                      enabled: true
                      sources:
                        - {input: ehr, expected: true}
                        - {path: "/var/log/web/*.log", types: [SSN]}
                      targets:
                        - {type: webhook, url: "%s", insecure: true}
                    """.formatted(rx.url("/hook"));
            try (AlertHarness h = new AlertHarness(vertx, plan, dir, yaml, Map.of())) {
                await(Future.all(List.of(
                        h.submit("ehr", "/var/log/ehr/audit.log", 0, List.of(ssnLine(), emailLine())),
                        h.submit("app", "/var/log/web/access.log", 0, List.of(emailLine())),
                        h.submit("app", "/var/log/web/error.log", 0, List.of(ssnLine())),
                        h.submit("app", "/var/log/other.log", 0, List.of(emailLine())))));
                AlertHarness.pollUntil("every finding handled", Duration.ofSeconds(10),
                        () -> h.counter("redactd.alerts.expected.findings", "type", "SSN") == 1
                                && h.counter("redactd.alerts.expected.findings", "type", "EMAIL") == 2
                                && h.counter("redactd.alerts", "kind", "leak") == 2);
                List<WebhookReceiver.Request> got = rx.await("/hook", 2, r -> true, Duration.ofSeconds(10));
                List<String> alerted = got.stream().map(r -> r.json().at("/source/path").asText() + " "
                        + r.json().get("types").toString()).sorted().toList();
                assertThat(alerted).containsExactly("/var/log/other.log [\"EMAIL\"]", "/var/log/web/error.log [\"SSN\"]");
            }
        }
    }

    @Test
    void aStormAcrossSourcesIsRateLimitedAndSummarizedNotDropped(@TempDir Path dir) throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            String yaml = """
                    alerts:
                      enabled: true
                      window: 1s
                      rate_per_second: 1
                      burst: 2
                      targets:
                        - {type: webhook, url: "%s", insecure: true}
                    """.formatted(rx.url("/hook"));
            try (AlertHarness h = new AlertHarness(vertx, plan, dir, yaml, Map.of())) {
                List<Future<Void>> acks = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    acks.add(h.submit("app", "/var/log/svc" + i + ".log", 0, List.of(ssnLine())));
                }
                await(Future.all(acks));
                List<WebhookReceiver.Request> got = rx.await("/hook", 1, r -> r.json().get("kind").asText().equals("storm"),
                        Duration.ofSeconds(10));
                JsonNode storm = got.get(0).json();
                long leaks = rx.accepted("/hook").stream().filter(r -> r.json().get("kind").asText().equals("leak")).count();
                // The bucket held two tokens (a third may have refilled while the batches ran); the rest is in the storm.
                assertThat(leaks).isBetween(2L, 3L);
                assertThat(storm.get("count").asLong()).isEqualTo(10 - leaks);
                assertThat(storm.get("sources").asInt()).isEqualTo((int) (10 - leaks));
                assertThat(storm.at("/counts/SSN").asLong()).isEqualTo(10 - leaks);
                assertThat(h.counter("redactd.alerts.folded", "reason", "rate_limit")).isEqualTo(10 - leaks);
            }
        }
    }
}
