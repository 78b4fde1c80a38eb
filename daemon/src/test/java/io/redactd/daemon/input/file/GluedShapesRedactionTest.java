package io.redactd.daemon.input.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.detectors.DetectionSettings;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.redactd.daemon.input.file.InputHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shapes the detectors' second boundary widening finds (a value after a letter and a dot, SSN groups joined by
 * non-breaking hyphens or underscores, a card glued to a word), written to a tailed file and read back from the file
 * output as the daemon ships them: no value in clear, each counted under its type, the look-alike line unchanged.
 */
class GluedShapesRedactionTest {
    /** Synthetic values, valid by the real rules (SSN area rules, Luhn and issuer ranges): 536-22-1234, 4111...1111. */
    private static final List<String> LINES = List.of(
            "user.ssn.536-22-1234 flushed",
            "patient.4111111111111111 charged",
            "ssn 536\u201122\u20111234 typed in Word",
            "file ssn_536_22_1234_old.pdf",
            "card4111111111111111 and x4111111111111111y",
            "v1.536-22-1234 blk_4568377692254637284 trace=af4111111111111111 0x4111111111111111");

    @TempDir
    Path dir;
    @TempDir
    Path state;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        await(vertx.close());
    }

    @Test
    void gluedShapesAreRedactedThroughTheFileInput() throws Exception {
        Files.writeString(dir.resolve("app.log"), String.join("\n", LINES) + "\n", StandardCharsets.UTF_8);
        Path outFile = dir.resolve("out.ndjson");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutputPipeline sink = OutputPipeline.start(vertx, outFile, DetectionSettings.defaults(), 2, meters);
        FileInput input = new FileInput(vertx, FileInputConfig.of("app", List.of(dir + "/*.log"))
                .withTimings(50, 100, 200), sink.pipeline(), state, meters);
        await(input.start());
        Await.until("every line written", Duration.ofSeconds(30), () -> Await.lines(outFile) >= LINES.size());
        await(input.stop());
        sink.stop();

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> docs = Files.readAllLines(outFile).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("output line is not JSON", e);
            }
        }).sorted(java.util.Comparator.comparingLong(d -> d.at("/log/offset").asLong())).toList();
        assertThat(docs).hasSize(LINES.size());
        String[] types = {"SSN", "CREDIT_CARD", "SSN", "SSN", "CREDIT_CARD"};
        int[] counts = {1, 1, 1, 1, 2};
        for (int i = 0; i < types.length; i++) {
            String message = docs.get(i).get("message").asText();
            assertThat(message).as("line %d", i).doesNotContain("536").doesNotContain("1234").doesNotContain("4111");
            assertThat(docs.get(i).at("/redactd/findings/" + types[i]).asInt()).as("line %d", i).isEqualTo(counts[i]);
        }
        // versions, HDFS ids, hex ids and 0x numbers holding the same digits stay as they were
        assertThat(docs.get(5).get("message").asText()).isEqualTo(LINES.get(5));
    }
}
