package io.redactd.daemon.input.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.detectors.DetectionSettings;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.redactd.daemon.input.file.InputHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tailed file named after a patient: its name never reaches the checkpoint store raw (it is stored as the daemon
 * shows it, redacted), and a restart still resumes every file where it stopped, from the new format and from a state
 * written before, with raw paths, which is rewritten redacted at once. Through the real pipeline and file output.
 */
class CheckpointRedactionTest {
    private static final String EMAIL = "jane.roe@example.org";
    private static final String CARD = "4111111111111111";

    @TempDir
    Path dir;
    @TempDir
    Path state;
    private final Vertx vertx = Vertx.vertx();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void close() {
        await(vertx.close());
    }

    /** Runs the input over {@code dir} until the output holds {@code lines} lines, then stops it cleanly. */
    private void runUntil(Path out, int lines) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutputPipeline sink = OutputPipeline.start(vertx, out, DetectionSettings.defaults(), 1, meters);
        FileInput input = new FileInput(vertx, FileInputConfig.of("app", List.of(dir + "/*.log"))
                .withTimings(50, 100, 200), sink.pipeline(), state, meters);
        await(input.start());
        Await.until(lines + " lines written", Duration.ofSeconds(30), () -> Await.lines(out) >= lines);
        await(input.stop());
        sink.stop();
    }

    private List<String> messages(Path out) throws IOException {
        List<String> m = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            m.add(json.readTree(l).get("message").asText());
        }
        return m;
    }

    private static void append(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private String stateText() throws IOException {
        return Files.readString(new Checkpoints(state, "app").file());
    }

    @Test
    void aFileNamedAfterAPatientIsStoredRedactedAndResumedExactly() throws Exception {
        Path log = dir.resolve(EMAIL + "-" + CARD + ".log");
        Path out = dir.resolve("out.ndjson.out");
        append(log, "line 1\nline 2\nline 3\n");
        runUntil(out, 3);
        String stored = stateText();
        assertThat(stored).doesNotContain(EMAIL).doesNotContain(CARD).contains("[REDACTED:")
                .contains("\"version\":2").contains("\"offset\":21");

        append(log, "line 4\nline 5\n");
        runUntil(out, 5);
        assertThat(messages(out)).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");
        assertThat(stateText()).doesNotContain(EMAIL).doesNotContain(CARD).contains("\"offset\":35");
    }

    @Test
    void aStateWithRawPathsFromBeforeResumesEveryFileAndIsRewrittenRedacted() throws Exception {
        Path patient = dir.resolve(EMAIL + ".log");
        Path plain = dir.resolve("app.log");
        Path out = dir.resolve("out.ndjson.out");
        append(patient, "p1\np2\n");
        append(plain, "a1\n");
        runUntil(out, 3);
        // The same state as the version before wrote it: version 1, raw paths.
        ObjectNode old = (ObjectNode) json.readTree(stateText());
        old.put("version", 1);
        old.withArray("files").forEach(f -> {
            ObjectNode e = (ObjectNode) f;
            e.put("path", e.get("offset").asLong() == 6 ? patient.toString() : plain.toString());
        });
        Files.writeString(new Checkpoints(state, "app").file(), json.writeValueAsString(old));
        assertThat(stateText()).contains(EMAIL);

        append(patient, "p3\n");
        append(plain, "a2\n");
        runUntil(out, 5);
        // neither file read again from the start, nothing skipped
        assertThat(messages(out)).containsExactlyInAnyOrder("p1", "p2", "a1", "p3", "a2");
        assertThat(stateText()).doesNotContain(EMAIL).contains("\"version\":2").contains(plain.toString());
    }
}
