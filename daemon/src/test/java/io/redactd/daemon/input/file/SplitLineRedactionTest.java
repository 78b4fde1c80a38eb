package io.redactd.daemon.input.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.SplitContext;
import io.redactd.detectors.DetectionSettings;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.redactd.daemon.input.file.InputHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The raw-PHI leak this guards against: a line longer than max_line_bytes is forwarded in pieces, and a value the
 * cut runs through used to leave {@code ...411111} at the end of one event and {@code 1111111111 tail} at the start
 * of the next. Through the real file input, pipeline and file output: lines of 70,000 bytes (raw, and CRI partials
 * reassembled) with a card, an SSN or an e-mail across byte 65,536 at every offset come out with neither the value
 * nor a fragment a reader could join from adjacent events, each value counted once, and no context in the document.
 */
class SplitLineRedactionTest {
    private static final int CUT = FileInputConfig.DEFAULT_MAX_LINE_BYTES;
    private static final int LINE = 70_000;
    private static final Map<String, String> VALUES = Map.of(
            "CREDIT_CARD", "4111111111111111", "SSN", "536-22-1234", "EMAIL", "jane.roe@example.org");

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

    /** One test line: filler, then the value starting {@code before} bytes ahead of the cut, then filler. */
    private record Planted(String type, String value, String message) {
    }

    private static String message(String value, int before) {
        String head = "~ ".repeat(CUT).substring(0, CUT - before - 1) + " ";
        String rest = " tail " + "~ ".repeat(LINE);
        return (head + value + rest).substring(0, LINE);
    }

    @Test
    void valuesAcrossTheCutOfRawAndCriLinesLeaveNothingToJoin() throws Exception {
        List<Planted> raw = new ArrayList<>();
        List<Planted> cri = new ArrayList<>();
        StringBuilder rawText = new StringBuilder();
        StringBuilder criText = new StringBuilder();
        for (Map.Entry<String, String> v : new TreeMap<>(VALUES).entrySet()) {
            String value = v.getValue();
            for (int before = 1; before < value.length(); before++) {
                Planted p = new Planted(v.getKey(), value, message(value, before));
                raw.add(p);
                rawText.append(p.message()).append('\n');
                if (before % 5 == 1) {
                    // Kubelet's partials: two P lines and the F, cut where the runtime cut, not where we do.
                    cri.add(p);
                    String m = p.message();
                    criText.append("2024-01-01T00:00:00Z stdout P ").append(m, 0, 40_000).append('\n')
                            .append("2024-01-01T00:00:00Z stdout P ").append(m, 40_000, 65_530).append('\n')
                            .append("2024-01-01T00:00:00Z stdout F ").append(m.substring(65_530)).append('\n');
                }
            }
        }
        Files.writeString(dir.resolve("raw.log"), rawText.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("pods.cri"), criText.toString(), StandardCharsets.UTF_8);

        Path outFile = dir.resolve("out.ndjson");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutputPipeline sink = OutputPipeline.start(vertx, outFile, DetectionSettings.defaults(), 2, meters);
        Pipeline pipeline = sink.pipeline();
        FileInput rawInput = new FileInput(vertx, FileInputConfig.of("raw", List.of(dir + "/*.log"))
                .withTimings(50, 100, 200), pipeline, state, meters);
        FileInput criInput = new FileInput(vertx, FileInputConfig.of("cri", List.of(dir + "/*.cri"))
                .withFormat(FileInputConfig.Format.CRI).withTimings(50, 100, 200), pipeline, state, meters);
        await(rawInput.start());
        await(criInput.start());
        int expected = 2 * (raw.size() + cri.size());
        Await.until("every piece written", Duration.ofSeconds(60), () -> Await.lines(outFile) >= expected);
        await(rawInput.stop());
        await(criInput.stop());
        sink.stop();

        String all = Files.readString(outFile);
        for (String value : VALUES.values()) {
            assertThat(all).doesNotContain(value);
        }
        assertThat(all).doesNotContain(SplitContext.FIELD).doesNotContain("split_context");

        Map<String, List<JsonNode>> byInput = new TreeMap<>();
        for (String l : Files.readAllLines(outFile)) {
            JsonNode doc = json.readTree(l);
            byInput.computeIfAbsent(doc.at("/event/dataset").asText(), k -> new ArrayList<>()).add(doc);
        }
        check(raw, byInput.get("raw"));
        check(cri, byInput.get("cri"));
    }

    private static void check(List<Planted> planted, List<JsonNode> docs) {
        assertThat(docs).hasSize(2 * planted.size());
        docs.sort(Comparator.comparingLong(d -> d.at("/log/offset").asLong()));
        for (int i = 0; i < planted.size(); i++) {
            Planted p = planted.get(i);
            JsonNode a = docs.get(2 * i);
            JsonNode b = docs.get(2 * i + 1);
            String joined = a.get("message").asText() + b.get("message").asText();
            String what = p.type() + " line " + i;
            assertThat(a.at("/log/flags").toString()).as(what).contains("split");
            assertThat(b.at("/log/flags").toString()).as(what).contains("split");
            assertThat(leaked(joined, p.value())).as(what + ": " + excerpt(a, b)).isNull();
            assertThat(a.at("/redactd/findings/" + p.type()).asInt() + b.at("/redactd/findings/" + p.type()).asInt())
                    .as(what + ": counted once").isEqualTo(1);
        }
    }

    /** The value, or a 4-byte fragment of it (markers removed) found in the joined pieces; null when none. */
    private static String leaked(String joined, String value) {
        String text = joined.replaceAll("\\[REDACTED:[A-Z_]+\\]", "\u0000");
        for (int i = 0; i + 4 <= value.length(); i++) {
            String fragment = value.substring(i, i + 4);
            if (text.contains(fragment)) {
                return fragment;
            }
        }
        return null;
    }

    private static String excerpt(JsonNode a, JsonNode b) {
        String x = a.get("message").asText();
        String y = b.get("message").asText();
        return x.substring(Math.max(0, x.length() - 30)) + " | " + y.substring(0, Math.min(30, y.length()));
    }
}
