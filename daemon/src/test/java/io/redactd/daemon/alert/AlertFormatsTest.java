package io.redactd.daemon.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.synthetic.PhiValues;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.redactd.daemon.alert.AlertHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Slack, PagerDuty Events API v2 and RFC 5424 syslog, each delivered for real and checked against its format. */
class AlertFormatsTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void slackPagerDutyAndSyslogCarryTheDocumentedStructure(@TempDir Path dir) throws Exception {
        StringBuffer syslog = new StringBuffer();
        NetServer tcp = vertx.createNetServer().connectHandler(s -> s.handler(b -> syslog.append(b.toString(StandardCharsets.UTF_8))));
        int syslogPort = await(tcp.listen(0, "127.0.0.1")).actualPort();
        String ssn = PhiValues.dashedSsn(new PhiValues(new Random(5)).ssnDigits());
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            String yaml = """
                    alerts:
                      enabled: true
                      severity: {SSN: critical}
                      targets:
                        - {type: slack, id: chat, url: "%s", insecure: true}
                        - {type: pagerduty, id: pd, url: "%s", insecure: true, routing_key_env: PD_KEY}
                        - {type: syslog, id: siem-syslog, host: 127.0.0.1, port: %d, protocol: tcp, app_name: redactd-test}
                    """.formatted(rx.url("/slack"), rx.url("/pd"), syslogPort);
            try (AlertHarness h = new AlertHarness(vertx, DetectionPlan.compile(DetectionSettings.defaults()), dir, yaml,
                    Map.of("PD_KEY", "R0UT1NGKEY0123456789abcdefabcdef"))) {
                await(h.submit("app", "/var/log/app.log", 0, List.of("patient ssn " + ssn)));

                JsonNode slack = rx.await("/slack", 1, r -> true, Duration.ofSeconds(10)).get(0).json();
                assertThat(slack.get("text").isTextual()).isTrue();
                assertThat(slack.get("text").asText()).contains("SSN").contains("/var/log/app.log");
                JsonNode blocks = slack.get("blocks");
                assertThat(blocks.isArray()).isTrue();
                for (JsonNode b : blocks) {
                    assertThat(b.get("type").asText()).isIn("header", "section", "context");
                }
                assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("plain_text");
                assertThat(blocks.get(0).at("/text/text").asText().length()).isLessThanOrEqualTo(150);
                assertThat(blocks.get(1).at("/text/type").asText()).isEqualTo("mrkdwn");
                assertThat(blocks.get(1).at("/text/text").asText()).contains("[REDACTED:SSN]");
                assertThat(blocks.get(2).get("elements").get(0).get("type").asText()).isEqualTo("mrkdwn");

                JsonNode pd = rx.await("/pd", 1, r -> true, Duration.ofSeconds(10)).get(0).json();
                assertThat(pd.get("routing_key").asText()).isEqualTo("R0UT1NGKEY0123456789abcdefabcdef");
                assertThat(pd.get("event_action").asText()).isEqualTo("trigger");
                assertThat(pd.get("dedup_key").asText()).isNotBlank().hasSizeLessThanOrEqualTo(255)
                        .contains("/var/log/app.log").contains("SSN");
                JsonNode payload = pd.get("payload");
                assertThat(payload.get("summary").asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024);
                assertThat(payload.get("source").asText()).isEqualTo("test-host");
                assertThat(payload.get("severity").asText()).isEqualTo("critical").isIn("critical", "error", "warning", "info");
                assertThat(payload.get("custom_details").isObject()).isTrue();
                assertThat(payload.at("/custom_details/counts/SSN").asLong()).isEqualTo(1);
                assertThat(Set.of("routing_key", "event_action", "dedup_key", "payload", "client"))
                        .containsAll(iterable(pd.fieldNames()));

                AlertHarness.pollUntil("a syslog frame", Duration.ofSeconds(10), () -> syslog.indexOf("}") > 0);
                // Octet counting: "LEN SP MSG", MSG = <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] JSON.
                Matcher m = Pattern.compile("^(\\d+) (<(\\d+)>1 \\S+ test-host redactd-test - PHI_LEAK \\[redactd@32473 [^]]*] \\{.*})$",
                        Pattern.DOTALL).matcher(syslog.toString());
                assertThat(m.matches()).as("RFC 5424 frame: " + syslog).isTrue();
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(m.group(2).getBytes(StandardCharsets.UTF_8).length);
                assertThat(Integer.parseInt(m.group(3))).isEqualTo(SyslogAlertTarget.FACILITY_LOCAL4 * 8 + 2);

                for (WebhookReceiver.Request r : rx.requests) {
                    assertThat(r.text()).doesNotContain(ssn).doesNotContain(ssn.replace("-", ""));
                }
                assertThat(syslog.toString()).doesNotContain(ssn);
            }
        } finally {
            await(tcp.close());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
