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
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config-examples/alerts-webhook.yaml} as given: the jar tails a real file, a line appended with a synthetic
 * SSN reaches a real webhook receiver well within a second, with the file and offset, redacted.
 */
class AlertsExampleIT {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void drain(InputStream in, OutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException e) {
                // closed with the process
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    void exampleConfigTailsARealFileAndAlertsTheWebhook(@TempDir Path dir) throws Exception {
        Path example = Path.of(System.getProperty("redactd.root", "..")).resolve("config-examples/alerts-webhook.yaml");
        Path logDir = Files.createDirectories(dir.resolve("logs"));
        Path log = logDir.resolve("app.log");
        Files.writeString(log, "service started\n");
        String ssn = PhiValues.dashedSsn(new PhiValues(new Random(11)).ssnDigits());
        try (WebhookReceiver rx = new WebhookReceiver(vertx)) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                    Path.of(System.getProperty("redactd.jar", "target/redactd.jar")).toAbsolutePath().toString(),
                    "run", "--config", example.toString());
            pb.environment().put("REDACTD_INPUT", logDir + "/*.log");
            pb.environment().put("REDACTD_OUTPUT", dir.resolve("out.ndjson").toString());
            pb.environment().put("REDACTD_STATE", dir.resolve("state").toString());
            pb.environment().put("REDACTD_WEBHOOK_URL", rx.url("/hook"));
            pb.environment().put("REDACTD_ADMIN_PORT", "0");
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            drain(p.getErrorStream(), err);
            drain(p.getInputStream(), OutputStream.nullOutputStream());
            try {
                AlertHarness.pollUntil("the start line", Duration.ofSeconds(30),
                        () -> err.toString(StandardCharsets.UTF_8).contains("redactd started"));
                AlertHarness.pollUntil("the first line in the output", Duration.ofSeconds(20),
                        () -> Files.exists(dir.resolve("out.ndjson")) && Files.readString(dir.resolve("out.ndjson")).contains("service started"));
                long offset = Files.size(log);
                String line = "patient ssn " + ssn + " in /checkin\n";
                long t0 = System.nanoTime();
                Files.writeString(log, line, StandardOpenOption.APPEND);
                WebhookReceiver.Request req = rx.await("/hook", 1, r -> true, Duration.ofSeconds(20)).get(0);
                // The product promise is sub-second; a loaded test machine gets a generous bound.
                assertThat(Duration.ofNanos(req.receivedNanos() - t0)).isLessThan(Duration.ofSeconds(5));
                JsonNode a = req.json();
                assertThat(a.get("kind").asText()).isEqualTo("leak");
                assertThat(a.get("severity").asText()).isEqualTo("critical");
                assertThat(a.at("/source/input").asText()).isEqualTo("files");
                assertThat(a.at("/where/file").asText()).isEqualTo(log.toString());
                assertThat(a.at("/where/offset").asLong()).isEqualTo(offset);
                assertThat(a.get("redacted_line").asText()).isEqualTo("patient ssn [REDACTED:SSN] in /checkin");
                assertThat(req.headers()).containsEntry("X-Redactd-Source", "alerts-webhook-example");
                assertThat(req.text()).doesNotContain(ssn).doesNotContain(ssn.replace("-", ""));
            } finally {
                p.destroy();
                p.waitFor(15, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
            assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(ssn);
        }
    }
}
