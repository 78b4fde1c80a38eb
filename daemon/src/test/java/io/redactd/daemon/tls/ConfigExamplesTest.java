package io.redactd.daemon.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.input.http.HttpInput;
import io.redactd.daemon.input.http.HttpInputConfig;
import io.redactd.daemon.input.syslog.SyslogInput;
import io.redactd.daemon.input.syslog.SyslogInputConfig;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs of {@code config-examples/syslog-tls-to-file.yaml} and {@code http-to-file.yaml} parse strictly and
 * start with real certificates, and clients reach them. (The daemon's own loader does the ${VAR} expansion; this
 * test expands the same way for the input sections it owns.)
 */
class ConfigExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "config-examples");

    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            if (start < 0) {
                out.append(text, i, text.length());
                break;
            }
            int end = text.indexOf('}', start);
            out.append(text, i, start);
            String expr = text.substring(start + 2, end);
            int dflt = expr.indexOf(":-");
            String name = dflt < 0 ? expr : expr.substring(0, dflt);
            String value = env.get(name);
            out.append(value != null ? value : dflt < 0 ? "" : expr.substring(dflt + 2));
            i = end + 1;
        }
        return out.toString();
    }

    private static JsonNode input(String file, Map<String, String> env) throws Exception {
        String text = expand(Files.readString(EXAMPLES.resolve(file), StandardCharsets.UTF_8), env);
        return new ObjectMapper(new YAMLFactory()).readTree(text).get("inputs").get(0);
    }

    @Test
    void examplesStartAndServe(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Issued cert = pki.serverPkcs8Ec("server");
        String token = "example-token-3b9d2f0c7e15";
        Map<String, String> env = Map.of("REDACTD_TLS_CERT", cert.cert().toString(), "REDACTD_TLS_KEY", cert.key().toString(),
                "REDACTD_HTTP_TOKEN", token, "REDACTD_SYSLOG_PORT", "0", "REDACTD_HTTP_PORT", "0");
        SyslogInputConfig syslogConfig = SyslogInputConfig.from(input("syslog-tls-to-file.yaml", env));
        HttpInputConfig httpConfig = HttpInputConfig.from(input("http-to-file.yaml", env));
        assertThat(syslogConfig.problems()).isEmpty();
        assertThat(httpConfig.problems()).isEmpty();
        assertThat(SyslogInputConfig.from(input("syslog-tls-to-file.yaml", Map.of())).listen()).isEqualTo("0.0.0.0:6514");
        assertThat(HttpInputConfig.from(input("http-to-file.yaml", Map.of())).listen()).isEqualTo("0.0.0.0:8088");

        Vertx vertx = Vertx.vertx();
        RecordingSink sink = new RecordingSink();
        SyslogInput syslog = new SyslogInput(vertx, syslogConfig, sink, new SimpleMeterRegistry());
        HttpInput http = new HttpInput(vertx, httpConfig, sink, new SimpleMeterRegistry());
        try {
            syslog.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            http.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ExternalProcess.Result tls = ExternalProcess.run(List.of("openssl", "s_client", "-connect",
                    "127.0.0.1:" + syslog.port(), "-CAfile", pki.ca().toString(), "-verify_return_error", "-brief",
                    "-no_ign_eof"), "27 <13>1 - h a - - - syslog ok".getBytes(StandardCharsets.US_ASCII), 20);
            assertThat(tls.stderr()).contains("CONNECTION ESTABLISHED");
            ExternalProcess.Result curl = ExternalProcess.run(List.of("curl", "-sS", "--cacert", pki.ca().toString(),
                    "-H", "Authorization: Splunk " + token, "--data-binary", "{\"event\":\"hec ok\"}",
                    "https://localhost:" + http.port() + "/services/collector/event"), null, 20);
            assertThat(curl.stdout()).isEqualTo("{\"text\":\"Success\",\"code\":0}");
            RecordingSink.await(() -> sink.messages().size() == 2, java.time.Duration.ofSeconds(10), "events missing");
            assertThat(sink.messages()).containsExactlyInAnyOrder("syslog ok", "hec ok");
            assertThat(sink.events()).anySatisfy(e -> assertThat(e.fields()).containsEntry("event.dataset", "app-logs"));
        } finally {
            syslog.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            http.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedByName() throws Exception {
        ObjectNode node = (ObjectNode) input("syslog-tls-to-file.yaml", Map.of("REDACTD_TLS_CERT", "c", "REDACTD_TLS_KEY", "k"));
        node.put("max_frame_byte", 10);
        assertThatThrownBy(() -> SyslogInputConfig.from(node)).hasMessageContaining("inputs[syslog-tls]: unknown key 'max_frame_byte'")
                .hasMessageContaining("max_frame_bytes");
        node.remove("max_frame_byte");
        ((ObjectNode) node.get("tls")).put("client_auth", "sometimes");
        assertThatThrownBy(() -> SyslogInputConfig.from(node)).hasMessageContaining("tls.client_auth: expected none, optional or required");
        ((ObjectNode) node.get("tls")).put("client_auth", "required");
        assertThat(SyslogInputConfig.from(node).problems()).contains("inputs[syslog-tls].tls.client_ca: required when client_auth is required");
        ObjectNode http = (ObjectNode) input("http-to-file.yaml", Map.of("REDACTD_TLS_CERT", "c", "REDACTD_TLS_KEY", "k"));
        assertThat(HttpInputConfig.from(http).problems())
                .anyMatch(p -> p.startsWith("inputs[http].tokens[0]: no token given") && p.contains("environment variable set?"));
        assertThat(HttpInputConfig.from(http).tokens().get(0).toString()).doesNotContain("REDACTD");
    }
}
