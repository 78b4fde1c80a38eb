package io.redactd.daemon.input.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.input.file.FileInputConfig.Multiline;
import io.redactd.daemon.input.file.FileInputConfig.MultilineMode;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
 * The leak this guards against (bb7-ops #1): containerd and CRI-O write a container's stdout and stderr records into
 * one file, interleaved, and a long line arrives as {@code P} records up to an {@code F}. Joining every record to
 * whichever partial was open glued stderr text into a stdout event and shipped a value split across one stream's
 * partials in two events, unredacted and without a finding. Through the real file input, pipeline (both engines) and
 * file output; the values are synthetic and valid by the detectors' rules (SSN area/group/serial, Luhn).
 */
class CriStreamsRedactionTest {

    private static final String T = "2026-12-07T19:00:00.000000000Z ";
    /** Every piece of a value as written in a record: none may reach the output outside a mask. */
    private static final List<String> PIECES = List.of("536-2", "2-1234", "4111 1111 ", "1111 1111 end",
            "5555 5555 ", "5555 4444", "401-5", "5-7788");

    @TempDir
    Path dir;
    @TempDir
    Path state;
    private final Vertx vertx = Vertx.vertx();
    private final ObjectMapper json = new ObjectMapper();
    private OutputPipeline sink;

    @AfterEach
    void close() {
        await(vertx.close());
    }

    private Path in(String name) {
        return dir.resolve(name);
    }

    private void startPipeline(EngineChoice engine) {
        sink = OutputPipeline.start(vertx, in("out.ndjson"), DetectionSettings.defaults().withEngine(engine), 2,
                new SimpleMeterRegistry());
    }

    private void stopPipeline() {
        sink.stop();
    }

    /** A CRI input whose partials are never flushed for lack of time: only the F record or a stop ends them. */
    private FileInput startInput() {
        FileInputConfig config = FileInputConfig.of("pods", List.of(dir + "/*.log"))
                .withFormat(FileInputConfig.Format.CRI).withTimings(50, 100, 200)
                .withMultiline(new Multiline(MultilineMode.NONE, null, null, 600_000));
        FileInput input = new FileInput(vertx, config, sink.pipeline(), state, new SimpleMeterRegistry());
        await(input.start());
        return input;
    }

    private static void append(Path file, String... records) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String r : records) {
            b.append(T).append(r).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private List<JsonNode> docs() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (String l : Files.readAllLines(in("out.ndjson"))) {
            docs.add(json.readTree(l));
        }
        return docs;
    }

    private static List<String> messages(List<JsonNode> docs, String stream) {
        return docs.stream().filter(d -> stream.equals(d.at("/stream").asText()))
                .map(d -> d.get("message").asText()).toList();
    }

    private static int findings(List<JsonNode> docs, String type) {
        return docs.stream().mapToInt(d -> d.at("/redactd/findings/" + type).asInt()).sum();
    }

    private static void assertNothingRaw(List<JsonNode> docs) {
        for (JsonNode d : docs) {
            String text = d.get("message").asText();
            for (String piece : PIECES) {
                assertThat(text).as("a piece of a value in %s", d).doesNotContain(piece);
            }
        }
    }

    @Test
    void aRecordLongerThanMaxLineBytesIsDecodedAndJoinedBeforeTheLineIsSplit() throws Exception {
        startPipeline(EngineChoice.PORTABLE);
        // Records of 2,000 bytes with max_line_bytes 1,024 (bb7 re-test N2): each record used to be cut as a raw,
        // unparsed line before it was decoded, so a value cut between two records went out in two events.
        String filler = "x".repeat(1_990);
        append(in("pod.log"), "stdout P " + filler + " ssn 536-2", "stdout F 2-1234 " + filler + " end");
        FileInputConfig config = new FileInputConfig("pods", List.of(dir + "/*.log"), null, null, 1024, null,
                FileInputConfig.Format.CRI, null, null, null, null, null, null, null).withTimings(50, 100, 200);
        FileInput input = new FileInput(vertx, config, sink.pipeline(), state, new SimpleMeterRegistry());
        await(input.start());
        Await.until("the line written", Duration.ofSeconds(30), () -> {
            try {
                return docs().stream().mapToInt(d -> d.get("message").asText().length()).sum() >= 4_000;
            } catch (IOException notYet) {
                return false;
            }
        });
        await(input.stop());
        stopPipeline();

        List<JsonNode> docs = docs();
        assertNothingRaw(docs);
        assertThat(findings(docs, "SSN")).isEqualTo(1);
        assertThat(docs).allSatisfy(d -> assertThat(d.at("/log/flags").toString()).doesNotContain("unparsed"));
        assertThat(String.join("", docs.stream().map(d -> d.get("message").asText()).toList()))
                .contains("[REDACTED:SSN]");
    }

    @Test
    void eventsOfAPodLogCarryItsKubernetesIdentityRedactedLikeItsPath() throws Exception {
        startPipeline(EngineChoice.PORTABLE);
        String uid = "0f3c2a10-1111-2222-3333-444455556666";
        Path api = Files.createDirectories(dir.resolve("pods/prod_billing-7d9f_" + uid + "/api"));
        // Whoever names a pod can put anything in its name: it is redacted like the path it comes from.
        Path app = Files.createDirectories(dir.resolve("pods/prod_jane.doe@example.com_" + uid + "/app"));
        append(api.resolve("0.log"), "stdout F hello");
        append(app.resolve("0.log"), "stderr F again");
        FileInputConfig config = FileInputConfig.of("pods", List.of(dir + "/pods/**/*.log"))
                .withFormat(FileInputConfig.Format.CRI).withTimings(50, 100, 200);
        FileInput input = new FileInput(vertx, config, sink.pipeline(), state, new SimpleMeterRegistry());
        await(input.start());
        Await.until("2 events written", Duration.ofSeconds(30), () -> Await.lines(in("out.ndjson")) >= 2);
        await(input.stop());
        stopPipeline();

        List<JsonNode> docs = docs();
        JsonNode billing = docs.stream().filter(d -> d.get("message").asText().equals("hello")).findFirst()
                .orElseThrow();
        assertThat(billing.at("/kubernetes/namespace").asText()).isEqualTo("prod");
        assertThat(billing.at("/kubernetes/pod/name").asText()).isEqualTo("billing-7d9f");
        assertThat(billing.at("/kubernetes/pod/uid").asText()).isEqualTo(uid);
        assertThat(billing.at("/kubernetes/container/name").asText()).isEqualTo("api");
        JsonNode named = docs.stream().filter(d -> d.get("message").asText().equals("again")).findFirst().orElseThrow();
        assertThat(named.at("/kubernetes/pod/name").asText()).isEqualTo("[REDACTED:EMAIL]");
        assertThat(named.at("/kubernetes/container/name").asText()).isEqualTo("app");
        assertThat(named.toString()).doesNotContain("jane.doe");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"HYPERSCAN", "PORTABLE"})
    void valuesSplitAcrossOneStreamsPartialsAreJoinedAndMaskedWhateverTheOtherStreamWrites(EngineChoice engine)
            throws Exception {
        startPipeline(engine);
        append(in("pod.log"),
                // bb7-ops #1 as reported: stderr between stdout's P and F.
                "stdout P patient ssn 536-2",
                "stderr F warn: something else",
                "stdout F 2-1234 registered",
                "stdout P card 4111 1111 ",
                "stderr F warn: retrying",
                "stdout F 1111 1111 end",
                // Both streams with a line open at once, each cut through a value.
                "stdout P mc 5555 5555 ",
                "stderr P err ssn 401-5",
                "stdout F 5555 4444 paid",
                "stderr F 5-7788 rejected");
        FileInput input = startInput();
        Await.until("6 events written", Duration.ofSeconds(30), () -> Await.lines(in("out.ndjson")) >= 6);
        await(input.stop());
        stopPipeline();

        List<JsonNode> docs = docs();
        assertThat(docs).hasSize(6);
        assertNothingRaw(docs);
        assertThat(messages(docs, "stdout")).containsExactly("patient ssn [REDACTED:SSN] registered",
                "card [REDACTED:CREDIT_CARD] end", "mc [REDACTED:CREDIT_CARD] paid");
        assertThat(messages(docs, "stderr")).containsExactly("warn: something else", "warn: retrying",
                "err ssn [REDACTED:SSN] rejected");
        assertThat(findings(docs, "SSN")).isEqualTo(2);
        assertThat(findings(docs, "CREDIT_CARD")).isEqualTo(2);
        // The stderr line written while stdout's was open is acknowledged, but the checkpoint waited for stdout's.
        assertThat(new Checkpoints(state, "pods").load().values()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(Files.size(in("pod.log")));
    }

    @Test
    void aRestartWhileAStreamsLineIsOpenRereadsItsPiecesAndFindsTheValue() throws Exception {
        startPipeline(EngineChoice.AUTO);
        append(in("pod.log"), "stdout P patient ssn 536-2", "stderr F warn: something else");
        FileInput first = startInput();
        Await.until("the stderr line written", Duration.ofSeconds(30), () -> Await.lines(in("out.ndjson")) >= 1);
        await(first.stop());
        // Acknowledged and committed, yet held back to stdout's open piece: a restart must read it again.
        assertThat(new Checkpoints(state, "pods").load().values()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(0L);

        append(in("pod.log"), "stdout F 2-1234 registered");
        FileInput second = startInput();
        Await.until("the stdout line written", Duration.ofSeconds(30), () -> Await.lines(in("out.ndjson")) >= 3);
        await(second.stop());
        stopPipeline();

        List<JsonNode> docs = docs();
        assertThat(docs).hasSize(3);
        assertNothingRaw(docs);
        assertThat(messages(docs, "stdout")).containsExactly("patient ssn [REDACTED:SSN] registered");
        // The price of never losing the held piece: the stderr line after it is read twice (at least once).
        assertThat(messages(docs, "stderr")).containsExactly("warn: something else", "warn: something else");
        assertThat(findings(docs, "SSN")).isEqualTo(1);
        assertThat(new Checkpoints(state, "pods").load().values()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(Files.size(in("pod.log")));
    }

    @Test
    void aRestartAfterALineFinishedWhileTheOtherStreamsWasOpenRereadsItWholeNotItsTailAlone() throws Exception {
        startPipeline(EngineChoice.AUTO);
        append(in("pod.log"), "stdout P patient ssn 536-2", "stderr P err ssn 401-5", "stdout F 2-1234 registered");
        FileInput first = startInput();
        Await.until("the stdout line written", Duration.ofSeconds(30), () -> Await.lines(in("out.ndjson")) >= 1);
        await(first.stop());
        // Not at stderr's P record, which lies inside stdout's line: from there stdout's F would be read alone.
        assertThat(new Checkpoints(state, "pods").load().values()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(0L);

        append(in("pod.log"), "stderr F 5-7788 rejected");
        FileInput second = startInput();
        Await.until("the stderr line written", Duration.ofSeconds(30), () -> Await.lines(in("out.ndjson")) >= 3);
        await(second.stop());
        stopPipeline();

        List<JsonNode> docs = docs();
        assertThat(docs).hasSize(3);
        assertNothingRaw(docs);
        assertThat(messages(docs, "stdout")).containsExactly("patient ssn [REDACTED:SSN] registered",
                "patient ssn [REDACTED:SSN] registered");
        assertThat(messages(docs, "stderr")).containsExactly("err ssn [REDACTED:SSN] rejected");
        assertThat(findings(docs, "SSN")).isEqualTo(3);
    }
}
