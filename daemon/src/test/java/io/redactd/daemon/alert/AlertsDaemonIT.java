package io.redactd.daemon.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.redactd.detectors.synthetic.PhiValues;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon as ops run it ({@code java -jar redactd.jar run}) with alerts on: a PHI line on its input reaches a real
 * webhook receiver signed and redacted; /readyz and /metrics show the canary; SIGTERM writes the alert events.
 */
class AlertsDaemonIT {
    private static final Pattern ADMIN = Pattern.compile("admin=127\\.0\\.0\\.1:(\\d+)");
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String curl(int port, String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:" + port + path)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static Thread drain(InputStream in, OutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException e) {
                // closed with the process
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void daemonAlertsOnALeakAndReportsTheCanary(@TempDir Path dir) throws Exception {
        String ssn = PhiValues.dashedSsn(new PhiValues(new Random(42)).ssnDigits());
        Path out = dir.resolve("events.ndjson");
        Path secret = dir.resolve("hook.secret");
        Files.writeString(secret, "s3cret-for-the-receiver-0123456789abcdef\n");
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            Path cfg = dir.resolve("redactd.yaml");
            Files.writeString(cfg, """
                    inputs:
                      - id: app
                        type: stdin
                    outputs:
                      - id: ndjson
                        type: file
                        path: %s
                    state_dir: %s
                    admin:
                      listen: 127.0.0.1:0
                    alerts:
                      enabled: true
                      targets:
                        - type: webhook
                          url: ${HOOK_URL}
                          insecure: true
                          secret_file: %s
                      canary:
                        interval: 5m
                    """.formatted(out, dir.resolve("state"), secret));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                    Path.of(System.getProperty("redactd.jar", "target/redactd.jar")).toAbsolutePath().toString(),
                    "run", "--config", cfg.toString());
            pb.environment().put("HOOK_URL", rx.url("/hook"));
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = drain(p.getErrorStream(), err);
            drain(p.getInputStream(), OutputStream.nullOutputStream());
            try {
                AlertHarness.pollUntil("the start line", Duration.ofSeconds(30),
                        () -> ADMIN.matcher(err.toString(StandardCharsets.UTF_8)).find());
                Matcher m = ADMIN.matcher(err.toString(StandardCharsets.UTF_8));
                assertThat(m.find()).isTrue();
                int port = Integer.parseInt(m.group(1));
                AlertHarness.pollUntil("the canary's first run", Duration.ofSeconds(20),
                        () -> curl(port, "/readyz").contains("canary: ok at "));
                assertThat(curl(port, "/readyz")).startsWith("ready\n").endsWith("\n200");
                String metrics = curl(port, "/metrics");
                assertThat(metrics).contains("redactd_canary_ok 1.0").contains("redactd_canary_runs_total{result=\"pass\"} 1.0");

                try (OutputStream stdin = p.getOutputStream()) {
                    stdin.write(("GET /ok 200\npatient ssn " + ssn + " checked in\n").getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                    WebhookReceiver.Request req = rx.await("/hook", 1, r -> true, Duration.ofSeconds(20)).get(0);
                    JsonNode a = req.json();
                    assertThat(a.get("kind").asText()).isEqualTo("leak");
                    assertThat(a.at("/source/input").asText()).isEqualTo("app");
                    assertThat(a.get("redacted_line").asText()).isEqualTo("patient ssn [REDACTED:SSN] checked in");
                    assertThat(req.headers().get("X-Redactd-Signature")).isEqualTo("sha256=" + HttpAlertTarget.hmacHex(
                            "s3cret-for-the-receiver-0123456789abcdef".getBytes(StandardCharsets.UTF_8), req.body()));
                    assertThat(curl(port, "/metrics")).contains("redactd_alerts_total{kind=\"leak\"} 1.0")
                            .contains("redactd_alerts_sent_total{target=\"webhook_0\"} 1.0");
                    assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
                    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("exited").isTrue();
                }
                errReader.join(5000);
                assertThat(p.exitValue()).as(err.toString(StandardCharsets.UTF_8)).isZero();
                List<String> docs = Files.readAllLines(out);
                assertThat(docs).hasSize(3);
                assertThat(docs.get(2)).contains("\"kind\":\"alert\"").contains("\"id\":\"" + a(rx).get("id").asText() + "\"");
                String everything = String.join("\n", docs) + err.toString(StandardCharsets.UTF_8) + rx.requests.get(0).text();
                assertThat(everything).doesNotContain(ssn).doesNotContain(ssn.replace("-", ""));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static JsonNode a(WebhookReceiver rx) {
        return rx.requests.get(0).json();
    }

    @Test
    void realFileFirstLeakAlertsThenAThousandLinesFoldIntoOneSummary(@TempDir Path dir) throws Exception {
        PhiValues phi = new PhiValues(new Random(4242));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path log = logs.resolve("billing.log");
        Files.writeString(log, "started\n");
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            Path cfg = dir.resolve("redactd.yaml");
            Files.writeString(cfg, """
                    inputs:
                      - id: billing
                        type: file
                        paths: ["%s/*.log"]
                        poll_interval_ms: 20
                    outputs:
                      - id: ndjson
                        type: file
                        path: %s
                    state_dir: %s
                    admin:
                      listen: 127.0.0.1:0
                    alerts:
                      enabled: true
                      window: 5s
                      targets:
                        - {type: webhook, url: "%s", insecure: true}
                    """.formatted(logs, dir.resolve("out.ndjson"), dir.resolve("state"), rx.url("/hook")));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                    Path.of(System.getProperty("redactd.jar", "target/redactd.jar")).toAbsolutePath().toString(),
                    "run", "--config", cfg.toString());
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            drain(p.getErrorStream(), err);
            drain(p.getInputStream(), OutputStream.nullOutputStream());
            StringBuilder raw = new StringBuilder();
            try {
                AlertHarness.pollUntil("the start line", Duration.ofSeconds(30),
                        () -> err.toString(StandardCharsets.UTF_8).contains("redactd started"));
                String first = PhiValues.dashedSsn(phi.ssnDigits());
                raw.append(first).append('\n');
                Files.writeString(log, "charge failed for ssn " + first + "\n", StandardOpenOption.APPEND);
                JsonNode a = rx.await("/hook", 1, r -> true, Duration.ofSeconds(20)).get(0).json();
                assertThat(a.get("kind").asText()).isEqualTo("leak");
                assertThat(a.at("/where/file").asText()).isEqualTo(log.toString());
                assertThat(a.at("/where/offset").asLong()).isEqualTo("started\n".length());

                StringBuilder more = new StringBuilder();
                for (int i = 0; i < 1000; i++) {
                    String ssn = PhiValues.dashedSsn(phi.ssnDigits());
                    raw.append(ssn).append('\n');
                    more.append("retry ").append(i).append(" ssn ").append(ssn).append('\n');
                }
                Files.writeString(log, more.toString(), StandardOpenOption.APPEND);
                JsonNode s = rx.await("/hook", 2, r -> true, Duration.ofSeconds(30)).get(1).json();
                assertThat(s.get("kind").asText()).isEqualTo("summary");
                assertThat(s.get("count").asLong()).isEqualTo(1000);
                assertThat(s.at("/counts/SSN").asLong()).isEqualTo(1000);
                assertThat(rx.requests).hasSize(2);
            } finally {
                p.destroy();
                p.waitFor(15, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
            String everything = err.toString(StandardCharsets.UTF_8) + rx.requests.get(0).text() + rx.requests.get(1).text()
                    + Files.readString(dir.resolve("out.ndjson"));
            for (String v : raw.toString().split("\n")) {
                assertThat(everything).doesNotContain(v).doesNotContain(v.replace("-", ""));
            }
        }
    }
}
