package io.redactd.daemon.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redactd.detectors.Action;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.daemon.config.AlertsConfig;
import io.redactd.detectors.synthetic.PhiValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.redactd.daemon.alert.AlertHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The alert path on a real pipeline, with a real HTTP receiver. */
class AlertPipelineTest {
    private static final String SECRET = "webhook-secret-0123456789abcdef0123456789";
    private static DetectionPlan plan;
    private final Vertx vertx = Vertx.vertx();
    private final ObjectMapper json = new ObjectMapper();
    /** Synthetic PHI, valid by the detectors' rules; no alert byte may contain any of it. */
    private final PhiValues phi = new PhiValues(new Random(20261127));
    private final List<String> rawValues = new ArrayList<>();

    @BeforeAll
    static void compile() {
        plan = DetectionPlan.compile(DetectionSettings.defaults());
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String ssn() {
        String s = PhiValues.dashedSsn(phi.ssnDigits());
        rawValues.add(s);
        rawValues.add(s.replace("-", ""));
        return s;
    }

    private String email() {
        String e = phi.email();
        rawValues.add(e);
        return e;
    }

    private void assertNoRawValue(String what, String text) {
        for (String v : rawValues) {
            assertThat(text).as(what + " must not contain a raw value").doesNotContain(v);
        }
    }

    private List<JsonNode> alertEvents(Path outFile) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(outFile)) {
            return out;
        }
        for (String line : Files.readAllLines(outFile)) {
            JsonNode n = json.readTree(line);
            if ("alert".equals(n.path("event").path("kind").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void firstLeakAlertsAtOnceAndLaterFindingsFoldIntoOneSummary(@TempDir Path dir) throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            String yaml = """
                    alerts:
                      enabled: true
                      window: 6s
                      severity: {SSN: critical}
                      targets:
                        - type: webhook
                          id: ops
                          url: %s
                          insecure: true
                          headers: {X-Team: billing}
                          secret_env: HOOK_SECRET
                    """.formatted(rx.url("/hook"));
            try (AlertHarness h = new AlertHarness(vertx, plan, dir, yaml, Map.of("HOOK_SECRET", SECRET))) {
                String path = "/var/log/app/app.log";
                String first = "2026-11-27 login ok patient ssn " + ssn() + " mail " + email();
                long t0 = System.currentTimeMillis();
                await(h.submit("app", path, 4096, List.of("clean line before", first)));

                WebhookReceiver.Request req = rx.await("/hook", 1, r -> true, Duration.ofSeconds(10)).get(0);
                JsonNode a = req.json();
                assertThat(UUID.fromString(a.get("id").asText())).isNotNull();
                assertThat(Instant.parse(a.get("@timestamp").asText()).toEpochMilli()).isBetween(t0 - 1000, t0 + 10_000);
                assertThat(a.get("kind").asText()).isEqualTo("leak");
                assertThat(a.get("host").asText()).isEqualTo("test-host");
                assertThat(a.get("severity").asText()).isEqualTo("critical");
                assertThat(a.at("/source/input").asText()).isEqualTo("app");
                assertThat(a.at("/source/path").asText()).isEqualTo(path);
                assertThat(json.convertValue(a.get("types"), List.class)).containsExactly("EMAIL", "SSN");
                assertThat(a.at("/counts/SSN").asLong()).isEqualTo(1);
                assertThat(a.get("count").asLong()).isEqualTo(2);
                assertThat(a.at("/where/file").asText()).isEqualTo(path);
                assertThat(a.at("/where/offset").asLong()).isEqualTo(4096 + "clean line before".length() + 1);
                assertThat(a.get("detectors").size()).isGreaterThanOrEqualTo(2);
                assertThat(a.get("redacted_line").asText()).startsWith("2026-11-27 login ok patient ssn [REDACTED:SSN]")
                        .contains("[REDACTED:EMAIL]");
                assertThat(req.headers()).containsEntry("X-Team", "billing");
                assertThat(req.headers().get("X-Redactd-Signature"))
                        .isEqualTo("sha256=" + HttpAlertTarget.hmacHex(SECRET.getBytes(StandardCharsets.UTF_8), req.body()));

                // 1,000 more SSN lines inside the window: no new alert now, one summary with the count at its end.
                List<String> more = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    more.add("retry " + i + " for patient ssn " + ssn());
                }
                await(h.submit("app", path, 100_000, more));
                List<WebhookReceiver.Request> two = rx.await("/hook", 2, r -> true, Duration.ofSeconds(20));
                JsonNode s = two.get(1).json();
                assertThat(s.get("kind").asText()).isEqualTo("summary");
                assertThat(s.at("/counts/SSN").asLong()).isEqualTo(1000);
                assertThat(s.get("count").asLong()).isEqualTo(1000);
                assertThat(s.at("/source/path").asText()).isEqualTo(path);
                assertThat(s.get("redacted_line").asText()).contains("[REDACTED:SSN]");
                assertThat(Instant.parse(s.at("/window/end").asText())).isAfter(Instant.parse(s.at("/window/start").asText()));
                assertThat(h.counter("redactd.alerts.folded", "reason", "window")).isEqualTo(1000);

                // Both alerts are also events in the stream (event.kind: alert), written by the output.
                AlertHarness.pollUntil("two alert events in the output", Duration.ofSeconds(10),
                        () -> alertEvents(h.outFile).size() == 2);
                List<JsonNode> events = alertEvents(h.outFile);
                assertThat(events.get(0).at("/event/id").asText()).isEqualTo(a.get("id").asText());
                assertThat(events.get(0).at("/redactd/alert/kind").asText()).isEqualTo("leak");
                assertThat(events.get(1).at("/redactd/alert/count").asLong()).isEqualTo(1000);
                assertThat(rx.requests).hasSize(2);

                for (WebhookReceiver.Request r : rx.requests) {
                    assertNoRawValue("webhook body", r.text());
                    assertNoRawValue("webhook headers", r.headers().toString());
                }
                for (JsonNode e : events) {
                    assertNoRawValue("alert event", e.toString());
                }
            }
        }
    }

    @Test
    void tokenizedValuesGiveTheirTokensInTheAlert(@TempDir Path dir) throws Exception {
        DetectionPlan tokenizing = DetectionPlan.compile(new DetectionSettings(EngineChoice.AUTO, Set.of(), Set.of(),
                Map.of("SSN", Action.TOKENIZE), List.of(), Map.of(),
                "tokenization-key-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8), "k1"));
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            String yaml = """
                    alerts:
                      enabled: true
                      targets:
                        - {type: webhook, url: "%s", insecure: true}
                    """.formatted(rx.url("/hook"));
            try (AlertHarness h = new AlertHarness(vertx, tokenizing, dir, yaml, Map.of())) {
                await(h.submit("app", "/var/log/a.log", 0, List.of("patient ssn " + ssn())));
                JsonNode a = rx.await("/hook", 1, r -> true, Duration.ofSeconds(10)).get(0).json();
                assertThat(a.get("tokens")).hasSize(1);
                assertThat(a.get("tokens").get(0).asText()).matches("\\[TOKEN:SSN:k1:[0-9a-f]{16}]");
                assertThat(a.get("redacted_line").asText()).contains(a.get("tokens").get(0).asText());
                assertNoRawValue("webhook body", rx.requests.get(0).text());
            }
        }
    }

    @Test
    void failingReceiverIsRetriedWhileEventsKeepFlowing(@TempDir Path dir) throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            rx.status.set(500);
            String yaml = """
                    alerts:
                      enabled: true
                      targets:
                        - {type: webhook, id: ops, url: "%s", insecure: true, retry_initial: 20ms, retry_max: 100ms}
                    """.formatted(rx.url("/hook"));
            try (AlertHarness h = new AlertHarness(vertx, plan, dir, yaml, Map.of())) {
                await(h.submit("app", "/var/log/a.log", 0, List.of("patient ssn " + ssn())));
                AlertHarness.pollUntil("three failed attempts", Duration.ofSeconds(10), () -> rx.requests.size() >= 3);
                assertThat(h.alerts.degraded()).singleElement().asString().startsWith("alert target ops failing");

                // While the target fails, 50,000 events (some with PHI) still reach the output.
                List<Future<Void>> acks = new ArrayList<>();
                for (int b = 0; b < 50; b++) {
                    List<String> lines = new ArrayList<>();
                    for (int i = 0; i < 1000; i++) {
                        lines.add(i % 100 == 0 ? "b" + b + " patient ssn " + ssn() : "b" + b + " GET /health 200 " + i);
                    }
                    acks.add(h.submit("app", "/var/log/a.log", 1000L + b * 100_000L, lines));
                }
                await(Future.all(acks));
                long written = Files.readAllLines(h.outFile).stream().filter(l -> !l.contains("\"kind\":\"alert\"")).count();
                assertThat(written).isEqualTo(50_001);
                assertThat(rx.accepted("/hook")).isEmpty();
                assertThat(h.counter("redactd.alert.delivery.failures", "target", "ops")).isGreaterThanOrEqualTo(3);

                // The receiver recovers: the retried alert arrives, the target is healthy again.
                rx.status.set(200);
                JsonNode a = rx.await("/hook", 1, r -> true, Duration.ofSeconds(10)).get(0).json();
                assertThat(a.get("kind").asText()).isEqualTo("leak");
                AlertHarness.pollUntil("target healthy", Duration.ofSeconds(5), () -> h.alerts.degraded().isEmpty());
                for (WebhookReceiver.Request r : rx.requests) {
                    assertNoRawValue("webhook body", r.text());
                }
            }
        }
    }

    @Test
    void reloadAppliesTheNewPolicyToLaterFindingsAndNamesWhatNeedsARestart(@TempDir Path dir) throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            String before = """
                    alerts:
                      enabled: true
                      window: 60s
                      targets:
                        - {type: webhook, id: ops, url: "%s", insecure: true}
                    """.formatted(rx.url("/hook"));
            try (AlertHarness h = new AlertHarness(vertx, plan, dir, before, Map.of())) {
                await(h.submit("ehr", "/var/log/ehr/audit.log", 0, List.of("chart opened for ssn " + ssn())));
                assertThat(rx.await("/hook", 1, r -> true, Duration.ofSeconds(10)).get(0).json().get("kind").asText())
                        .isEqualTo("leak");

                // The EHR audit log is declared a source where PHI is expected, and the other sources get a severity.
                String after = """
                        alerts:
                          enabled: true
                          window: 60s
                          severity: {EMAIL: warning}
                          sources:
                            - {input: ehr, expected: true}
                          targets:
                            - {type: webhook, id: ops, url: "%s", insecure: true}
                        """.formatted(rx.url("/hook"));
                AlertsConfig next = AlertHarness.alertsConfig(after, Map.of());
                assertThat(AlertManager.restartNeeded(AlertHarness.alertsConfig(before, Map.of()), next)).isEmpty();
                await(h.alerts.reload(next));

                await(h.submit("ehr", "/var/log/ehr/audit.log", 100, List.of("chart opened for mail " + email())));
                await(h.submit("web", "/var/log/web/app.log", 0, List.of("signup mail " + email())));
                JsonNode web = rx.await("/hook", 2, r -> true, Duration.ofSeconds(10)).get(1).json();
                assertThat(web.at("/source/input").asText()).as("the next alert is the web leak").isEqualTo("web");
                assertThat(web.get("severity").asText()).isEqualTo("warning");
                AlertHarness.pollUntil("the expected EHR finding counted", Duration.ofSeconds(10),
                        () -> h.counter("redactd.alerts.expected.findings", "type", "EMAIL") == 1);
                assertThat(rx.accepted("/hook")).as("no alert for the expected source").hasSize(2);

                String moved = after.replace("id: ops", "id: ops2");
                assertThat(AlertManager.restartNeeded(next, AlertHarness.alertsConfig(moved, Map.of())))
                        .containsExactly("alerts.targets");
            }
        }
    }
}
