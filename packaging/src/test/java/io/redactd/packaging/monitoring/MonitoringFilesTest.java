package io.redactd.packaging.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.redactd.packaging.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and Prometheus rules in config-examples/monitoring: well-formed, and using only
 * metrics the operator's guide documents (the table in docs/deployment.md), so a renamed metric is caught here.
 */
class MonitoringFilesTest {

    private static final Path DIR = Command.repo().resolve("config-examples/monitoring");
    private static final Pattern METRIC = Pattern.compile("\\bredactd_[a-z0-9_]+");
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(redactd_[a-z0-9_]+)`", Pattern.MULTILINE);
    private static final Pattern DURATION = Pattern.compile("\\d+[smhd]");

    @Test
    void dashboardPanelsQueryPrometheusThroughTheDatasourceVariable() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
        assertThat(dashboard.path("uid").asText()).isNotEmpty();
        assertThat(dashboard.path("title").asText()).isEqualTo("redactd");
        List<String> variables = new ArrayList<>();
        dashboard.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).contains("datasource", "instance");

        JsonNode panels = dashboard.path("panels");
        assertThat(panels.size()).isGreaterThanOrEqualTo(8);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).isNotEmpty();
            assertThat(ids.add(panel.path("id").asInt())).as("unique id for " + title).isTrue();
            assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo("${datasource}");
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(title + " fits 24 columns").isLessThanOrEqualTo(24);
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertBalanced(title, expr);
                assertThat(expr).as(title).contains("instance=~\"$instance\"");
            }
        }
    }

    @Test
    void alertRulesAreCompleteAndNamed() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(DIR.resolve("prometheus-rules.yaml").toFile());
        Set<String> names = new HashSet<>();
        int count = 0;
        for (JsonNode group : rules.path("groups")) {
            assertThat(group.path("name").asText()).isNotEmpty();
            for (JsonNode rule : group.path("rules")) {
                count++;
                String name = rule.path("alert").asText();
                assertThat(name).matches("Redactd[A-Z][A-Za-z]+");
                assertThat(names.add(name)).as("unique alert " + name).isTrue();
                assertBalanced(name, rule.path("expr").asText());
                assertThat(rule.path("for").asText()).as(name).matches(DURATION);
                assertThat(rule.at("/labels/severity").asText()).as(name).isIn("critical", "warning");
                assertThat(rule.at("/annotations/summary").asText()).as(name).isNotEmpty();
                assertThat(rule.at("/annotations/description").asText()).as(name).isNotEmpty();
            }
        }
        assertThat(count).isGreaterThanOrEqualTo(6);
        assertThat(names).contains("RedactdDown", "RedactdCanaryFailing", "RedactdDroppingEvents", "RedactdOutputStalled",
                "RedactdOutputBehind");
    }

    @Test
    void scrapeJobFindsTheMetricsServiceUnderTheJobNameTheRulesUse() throws IOException {
        JsonNode job = new YAMLMapper().readTree(DIR.resolve("prometheus-scrape.yaml").toFile()).at("/scrape_configs/0");
        assertThat(job.path("job_name").asText()).isEqualTo("redactd");
        assertThat(Files.readString(DIR.resolve("prometheus-rules.yaml"))).contains("up{job=\"redactd\"}");

        JsonNode service = new YAMLMapper().readTree(Command.repo().resolve("kubernetes/service.yaml").toFile());
        assertThat(job.at("/kubernetes_sd_configs/0/namespaces/names/0").asText())
                .isEqualTo(service.at("/metadata/namespace").asText());
        String keep = job.at("/relabel_configs/0/regex").asText();
        assertThat(keep).isEqualTo(service.at("/metadata/name").asText() + ";" + service.at("/spec/ports/0/name").asText());
    }

    @Test
    void everyMetricUsedIsDocumented() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher doc = DOCUMENTED.matcher(Files.readString(Command.repo().resolve("docs/deployment.md")));
        while (doc.find()) {
            documented.add(doc.group(1));
        }
        assertThat(documented).contains("redactd_input_events_total", "redactd_events_dropped_total",
                "redactd_findings_total", "redactd_output_buffer_bytes", "redactd_canary_ok");

        Set<String> used = new TreeSet<>();
        for (String file : List.of("grafana-dashboard.json", "prometheus-rules.yaml", "prometheus-scrape.yaml")) {
            Matcher m = METRIC.matcher(Files.readString(DIR.resolve(file)));
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(documented).containsAll(used);
    }

    /** A cheap syntax guard (promtool is not installable here): brackets and quotes pair up. */
    private static void assertBalanced(String where, String expr) {
        assertThat(expr).as(where).isNotBlank();
        StringBuilder open = new StringBuilder();
        boolean quoted = false;
        for (char c : expr.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && "([{".indexOf(c) >= 0) {
                open.append(c);
            } else if (!quoted && ")]}".indexOf(c) >= 0) {
                assertThat(open).as(where + ": unbalanced " + c + " in " + expr).isNotEmpty();
                char last = open.charAt(open.length() - 1);
                assertThat("([{".indexOf(last)).as(where + ": mismatched " + c + " in " + expr).isEqualTo(")]}".indexOf(c));
                open.setLength(open.length() - 1);
            }
        }
        assertThat(quoted).as(where + ": unterminated string in " + expr).isFalse();
        assertThat(open.toString()).as(where + ": unclosed brackets in " + expr).isEmpty();
    }
}
