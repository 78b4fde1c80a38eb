package io.redactd.daemon.alert;

import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.Problem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertsConfigTest {
    private static List<String> problems(String alertsYaml) {
        String yaml = "inputs:\n  - type: stdin\noutputs:\n  - type: stdout\n" + alertsYaml;
        return new ConfigLoader(ComponentRegistry.builtIn(), Map.of()).load(yaml).problems().stream()
                .map(Problem::toString).toList();
    }

    @Test
    void defaultsAreEveryTypeEverySourceOneMinuteWindowFiveMinuteCanary() {
        var c = AlertHarness.alertsConfig("alerts: {enabled: true}\n", Map.of());
        assertThat(c.windowDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.canary().enabled()).isTrue();
        assertThat(c.canary().intervalDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.sources()).isEmpty();
        assertThat(new AlertPolicy(c).isLeak(new AlertSource("any", "/x.log", null, null), "EMAIL")).isTrue();
    }

    @Test
    void badAlertConfigsAreReportedWithTheirPathAndNeverEchoTheUrl() {
        List<String> p = problems("""
                alerts:
                  enabled: true
                  window: soon
                  default_severity: loud
                  sources:
                    - {types: [ssn]}
                  targets:
                    - {type: webhook, url: "http://hooks.example.com/T0K3N"}
                    - {type: pagerduty}
                    - {type: syslog, host: siem, protocol: sctp}
                    - {type: teams, url: "https://x"}
                  canary: {interval: 1ms}
                """);
        String all = String.join("\n", p);
        assertThat(all).contains("alerts.window").contains("alerts.default_severity")
                .contains("alerts.sources[0]: give input and/or path")
                .contains("alerts.sources[0].types[0]")
                .contains("alerts.targets[0].url").contains("insecure: true")
                .contains("alerts.targets[1].routing_key_file")
                .contains("alerts.targets[2].port").contains("alerts.targets[2].protocol")
                .contains("alerts.targets[3].type")
                .contains("alerts.canary.interval");
        assertThat(all).doesNotContain("T0K3N");
    }

    @Test
    void httpIsAcceptedOnlyWithInsecure() {
        assertThat(problems("""
                alerts:
                  enabled: true
                  targets:
                    - {type: webhook, url: "http://127.0.0.1:9/hook", insecure: true}
                """)).isEmpty();
    }
}
