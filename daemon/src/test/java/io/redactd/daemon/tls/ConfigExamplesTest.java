package io.redactd.daemon.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.Problem;
import io.redactd.daemon.input.Input;
import io.redactd.daemon.input.http.HttpInput;
import io.redactd.daemon.input.syslog.SyslogInput;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config-examples/syslog-tls-to-file.yaml} and {@code http-to-file.yaml} load through the daemon's own config
 * loader and registry (variables expanded as documented), their inputs start with real certificates and real
 * clients reach them.
 */
class ConfigExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "config-examples");

    private static ConfigLoader.Result load(String file, Map<String, String> env) {
        return new ConfigLoader(ComponentRegistry.builtIn(), env).load(EXAMPLES.resolve(file));
    }

    @Test
    void examplesLoadStartAndServe(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Issued cert = pki.serverPkcs8Ec("server");
        String token = "example-token-3b9d2f0c7e15";
        Map<String, String> env = Map.of("REDACTD_TLS_CERT", cert.cert().toString(), "REDACTD_TLS_KEY", cert.key().toString(),
                "REDACTD_HTTP_TOKEN", token, "REDACTD_SYSLOG_PORT", "0", "REDACTD_HTTP_PORT", "0",
                "REDACTD_OUTPUT", dir.resolve("out.ndjson").toString(), "REDACTD_STATE", dir.toString());
        ConfigLoader.Result syslogConfig = load("syslog-tls-to-file.yaml", env);
        ConfigLoader.Result httpConfig = load("http-to-file.yaml", env);
        assertThat(syslogConfig.problems()).isEmpty();
        assertThat(httpConfig.problems()).isEmpty();

        Vertx vertx = Vertx.vertx();
        RecordingSink sink = new RecordingSink();
        SyslogInput syslog = (SyslogInput) build(syslogConfig, vertx, sink, dir);
        HttpInput http = (HttpInput) build(httpConfig, vertx, sink, dir);
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
            RecordingSink.await(() -> sink.messages().size() == 2, Duration.ofSeconds(10), "events missing");
            assertThat(sink.messages()).containsExactlyInAnyOrder("syslog ok", "hec ok");
            assertThat(sink.events()).anySatisfy(e -> assertThat(e.fields()).containsEntry("event.dataset", "app-logs"))
                    .anySatisfy(e -> assertThat(e.fields()).containsEntry("event.dataset", "syslog"));
        } finally {
            syslog.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            http.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Input build(ConfigLoader.Result result, Vertx vertx, RecordingSink sink, Path dir) {
        var input = result.config().inputs().get(0);
        return input.build(new ComponentContext(input.id(), vertx, sink, dir, new SimpleMeterRegistry()));
    }

    @Test
    void mistakesAreReportedByKeyWithoutEchoingSecrets() {
        ConfigLoader loader = new ConfigLoader(ComponentRegistry.builtIn(), Map.of());
        List<String> problems = loader.load("""
                inputs:
                  - id: sys
                    type: syslog
                    max_frame_byte: 10
                    tls: {cert: /c.pem, key: /k.pem, client_auth: sometimes}
                  - id: web
                    type: http
                    insecure: true
                    tokens:
                      - source: app
                        token: short-secret
                  - id: plain
                    type: syslog
                outputs:
                  - {id: out, type: file, path: /tmp/x.ndjson}
                """).problems().stream().map(Problem::toString).toList();
        assertThat(problems).anyMatch(p -> p.contains("inputs[0].max_frame_byte") && p.contains("unknown key"));
        List<String> badEnum = loader.load("""
                inputs:
                  - {id: sys, type: syslog, tls: {cert: /c.pem, key: /k.pem, client_auth: sometimes}}
                outputs:
                  - {id: out, type: file, path: /tmp/x.ndjson}
                """).problems().stream().map(Problem::toString).toList();
        assertThat(badEnum).anyMatch(p -> p.startsWith("inputs[0].tls.client_auth: expected none, optional or required"));
        String all = String.join("\n", problems);
        assertThat(all).doesNotContain("short-secret");
        List<String> valid = loader.load("""
                inputs:
                  - id: sys
                    type: syslog
                    tls: {cert: /c.pem, key: /k.pem, client_auth: required}
                  - id: web
                    type: http
                    insecure: true
                    tokens:
                      - source: app
                        token: short-secret
                  - id: plain
                    type: syslog
                outputs:
                  - {id: out, type: file, path: /tmp/x.ndjson}
                """).problems().stream().map(Problem::toString).toList();
        assertThat(valid).anyMatch(p -> p.contains("inputs[0].tls.client_ca") && p.contains("required when client_auth is required"))
                .anyMatch(p -> p.contains("inputs[1].tokens[0].token") && p.contains("shorter than 16"))
                .anyMatch(p -> p.contains("inputs[2].tls") && p.contains("insecure: true"));
        assertThat(String.join("\n", valid)).doesNotContain("short-secret");
    }
}
