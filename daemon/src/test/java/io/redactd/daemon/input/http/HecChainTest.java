package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.PipelineMetrics;
import io.redactd.daemon.tls.TestPki;
import io.redactd.daemon.tls.TlsConfig;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.redactd.outputs.splunk.SplunkHecOutput;
import io.redactd.outputs.splunk.SplunkHecOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * redactd -> redactd over HEC (an edge daemon's {@code splunk_hec} output into a central daemon's HTTP input): the
 * daemon's own HEC output, built as the daemon builds it, sends one batch with invalid events in the middle to the
 * HTTP input in front of the real pipeline and file output. The output takes the events before
 * {@code invalid-event-number} as delivered, as Splunk promises, so every event must end up either in the file or in
 * the sender's dead-letter file, never counted as sent without being stored (bb8 CRITICAL-3).
 */
class HecChainTest {
    private static final String TOKEN = "edge-to-central-token-0042";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static byte[] doc(String timestamp, String message) {
        return ("{\"@timestamp\":\"" + timestamp + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyEventOfABatchWithInvalidOnesIsStoredOrDeadLetteredNeverLost(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("central");
        Path stored = dir.resolve("central.ndjson");
        FileOutput file = new FileOutput("file", new FileOutputConfig(stored.toString(), null, null, null), vertx);
        Pipeline pipeline = null;
        HttpInput input = null;
        SplunkHecOutput edge = null;
        try {
            await(file.start());
            pipeline = new Pipeline(vertx, DetectionPlan.compile(DetectionSettings.defaults()), List.of(file), 1, 8,
                    new PipelineMetrics(meters), "central");
            // max_line_bytes 2048: an ECS document over it is refused by the central input, as any event that is
            // larger there than the edge allowed (the tester's 65,400-byte line under equal 64 KiB limits)
            HttpInputConfig central = new HttpInputConfig("127.0.0.1:0",
                    TlsConfig.of(cert.cert().toString(), cert.key().toString()), false,
                    List.of(new TokenConfig("edge", HexFormat.of().formatHex(TokenAuthenticator.sha256(TOKEN)), null, null, null)),
                    null, null, null, 2048, null, null, null, null, null, null, null, null, null, null, null);
            input = new HttpInput(central, new ComponentContext("central", vertx, pipeline, dir, meters));
            await(input.start());

            Path tokenFile = Files.writeString(dir.resolve("hec.token"), TOKEN + "\n");
            Path deadLetters = dir.resolve("dead.ndjson");
            edge = new SplunkHecOutput("to-central", new SplunkHecOutputConfig("https://localhost:" + input.port(),
                    tokenFile.toString(), null, null, null, "edge", null, null, null,
                    new io.redactd.outputs.delivery.TlsConfig(pki.ca().toString(), null), null, null,
                    deadLetters.toString(), null, null), vertx, new SimpleMeterRegistry());
            await(edge.start());

            List<byte[]> batch = new ArrayList<>();
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                if (i == 5) {
                    batch.add(doc("2026-12-07T10:00:00Z", "CH-big " + "w".repeat(3000)));   // over max_line_bytes
                } else if (i == 9) {
                    batch.add(doc("3001-01-01T00:00:00Z", "CH-future"));                  // time beyond 3000
                } else {
                    String marker = "CH-" + i + "-ok";
                    good.add(marker);
                    batch.add(doc("2026-12-07T10:00:0" + (i % 10) + "Z", marker));
                }
            }
            await(edge.write(new EventBatch(batch)));

            // the write completed: every event the edge counts as sent was acknowledged, i.e. is in the file
            String file_ = Files.readString(stored, StandardCharsets.UTF_8);
            List<String> messages = new ArrayList<>();
            for (String line : file_.split("\n")) {
                if (!line.isBlank()) {
                    messages.add(JSON.readTree(line).path("message").asText());
                }
            }
            for (String marker : good) {
                assertThat(messages.stream().filter(m -> m.contains("\"" + marker + "\"")).count())
                        .as("%s stored exactly once in %s", marker, messages).isEqualTo(1);
            }
            assertThat(messages).hasSize(good.size()).noneMatch(m -> m.contains("CH-big") || m.contains("CH-future"));

            List<String> dead = Files.readAllLines(deadLetters, StandardCharsets.UTF_8);
            assertThat(dead).hasSize(2);
            JsonNode big = JSON.readTree(dead.get(0));
            JsonNode future = JSON.readTree(dead.get(1));
            assertThat(big.path("document").asText()).contains("CH-big");
            assertThat(big.path("status").asInt()).isEqualTo(400);
            assertThat(big.path("error_type").asText()).isEqualTo("hec_code_6");
            assertThat(future.path("document").asText()).contains("CH-future");

            assertThat(edge.metrics().sentCount()).as("sent = stored").isEqualTo(good.size());
            assertThat(edge.metrics().deadLetteredCount()).isEqualTo(2);
            assertThat(edge.metrics().sentCount() + edge.metrics().deadLetteredCount()).isEqualTo(batch.size());
        } finally {
            if (edge != null) {
                await(edge.stop());
            }
            if (input != null) {
                await(input.stop());
            }
            if (pipeline != null) {
                await(pipeline.drain());
            }
            await(file.stop());
            await(vertx.close());
        }
    }
}
