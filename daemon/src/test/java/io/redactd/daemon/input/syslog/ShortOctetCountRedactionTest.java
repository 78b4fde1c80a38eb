package io.redactd.daemon.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.event.Utf8Repair;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.PipelineMetrics;
import io.redactd.daemon.tls.RecordingSink;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The black-box tester's CRITICAL-1 (bb8-inputs): a sender that counts characters instead of UTF-8 bytes (or a relay
 * that rewrote the message) announces a count a few bytes short, and the frame used to be handed on cut in the middle
 * of the value that ends it ({@code ssn 536-22-8}, {@code card 4111111111111}, {@code mail jane.doe@example.}), which
 * then matched no detector. The frames are the tester's, through the real decoder and the real redactor: each value
 * must come out whole and masked, never as a fragment.
 */
class ShortOctetCountRedactionTest {
    private static final String[][] TESTER = {
            {"E01", "ssn 536-22-8714", "536-22-8"},
            {"E02", "card 4111111111111111", "4111111111111"},
            {"E03", "mail jane.doe@example.org", "jane.doe@example."}};

    private final Vertx vertx = Vertx.vertx();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The tester's connection: a frame counted in characters (three two-byte ones: 3 bytes short), then a good one. */
    private static byte[] testerConnection(String tag, String value) {
        String u = "<13>1 2026-12-07T10:00:00Z h app - - - " + tag + " ümläüt " + value;
        String next = "<13>1 2026-12-07T10:00:00Z h app - - - " + tag + "-next ok";
        return (u.length() + " " + u + next.getBytes(StandardCharsets.UTF_8).length + " " + next)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void countInCharactersHandsOnTheWholeFrameAndItsValueIsRedacted() {
        Redactor redactor = DetectionPlan.compile(DetectionSettings.defaults()).newRedactor();
        SyslogParser parser = new SyslogParser(Clock.systemUTC());
        for (String[] t : TESTER) {
            byte[] stream = testerConnection(t[0], t[1]);
            // whole, split at every byte, and in random reads; all in one event-loop turn, as one send arrives
            for (int split = -1; split <= stream.length; split++) {
                List<String> messages = new ArrayList<>();
                List<String> problems = new ArrayList<>();
                SyslogFrameDecoder decoder = new SyslogFrameDecoder(8192); // the tester's max_frame_bytes
                // the tester's frames are extended, never cut
                SyslogFrameDecoder.Listener listener = redacting(redactor, parser, messages, problems, false);
                if (split < 0) {
                    Random sizes = new Random(t[0].hashCode());
                    for (int pos = 0; pos < stream.length; ) {
                        int n = Math.min(stream.length - pos, 1 + sizes.nextInt(20));
                        decoder.feed(stream, pos, n, listener);
                        pos += n;
                    }
                } else {
                    decoder.feed(stream, 0, split, listener);
                    decoder.feed(stream, split, stream.length - split, listener);
                }
                decoder.settle(listener);
                decoder.end(listener);
                String as = t[0] + " split at " + split;
                assertThat(messages).as(as).containsExactly(
                        t[0] + " ümläüt " + t[1].split(" ")[0] + " [REDACTED:" + type(t[0]) + "]", t[0] + "-next ok");
                assertThat(String.join("\n", messages)).as(as).doesNotContain(t[2]);
                assertThat(problems).as(as).containsExactly("BAD_OCTET_COUNT@0");
            }
        }
    }

    /**
     * The tester's CRITICAL-2: a count 1-3 bytes too long (a sender that counted a trailing LF it did not send) took
     * the first digits of the next header into the body, glued them to the value that ends it ({@code 536-22-87145},
     * {@code 411111111111111151}), which then matched no detector and went out raw, and the next frame was lost. The
     * frame with the wrong count may be lost (it is counted); its value must never be forwarded, and the frames after
     * it must all arrive.
     */
    @Test
    void aCountTooLongNeverGluesTheNextHeadersDigitsToAValue() {
        Redactor redactor = DetectionPlan.compile(DetectionSettings.defaults()).newRedactor();
        SyslogParser parser = new SyslogParser(Clock.systemUTC());
        String[][] cases = {{"CE1", "ssn 536-22-8714", "536-22-8714"}, {"CE2", "card 4111111111111111", "4111111111111111"},
                {"CE4", "card 4111 1111 1111 1111", "4111 1111 1111 1111"},
                {"CE5", "mail jane.doe@example.org", "jane.doe@example.org"}};
        for (String[] t : cases) {
            for (int extra = 1; extra <= 3; extra++) {
                String first = "<13>1 2026-12-07T10:00:00Z h app - - - " + t[0] + " " + t[1];
                String second = "<13>1 2026-12-07T10:00:00Z h app - - - " + t[0] + "-2 second";
                String third = "<13>1 2026-12-07T10:00:00Z h app - - - " + t[0] + "-3 third";
                byte[] stream = ((first.length() + extra) + " " + first + second.length() + " " + second
                        + third.length() + " " + third).getBytes(StandardCharsets.UTF_8);
                for (int split = 0; split <= stream.length; split++) {
                    List<String> messages = new ArrayList<>();
                    SyslogFrameDecoder decoder = new SyslogFrameDecoder(8192);
                    SyslogFrameDecoder.Listener listener = redacting(redactor, parser, messages, new ArrayList<>(), true);
                    decoder.feed(stream, 0, split, listener);
                    decoder.feed(stream, split, stream.length - split, listener);
                    decoder.settle(listener);
                    decoder.end(listener);
                    String as = t[0] + " count +" + extra + " split at " + split + ": " + messages;
                    assertThat(String.join("\n", messages)).as(as).doesNotContain(t[2]);
                    assertThat(messages).as(as).contains(t[0] + "-2 second", t[0] + "-3 third");
                }
            }
        }
    }

    /** A listener that adds each frame's redacted message to {@code messages} and each problem to {@code problems}. */
    private static SyslogFrameDecoder.Listener redacting(Redactor redactor, SyslogParser parser, List<String> messages,
                                                         List<String> problems, boolean cutsAllowed) {
        return new SyslogFrameDecoder.Listener() {
            @Override
            public void frame(byte[] buffer, int offset, int length) {
                messages.add(redacted(redactor, parser, buffer, offset, length));
            }

            @Override
            public void cutFrame(byte[] buffer, int offset, int length, byte[] after) {
                if (!cutsAllowed) {
                    throw new AssertionError("a frame was cut");
                }
                messages.add(redacted(redactor, parser, buffer, offset, length));
            }

            @Override
            public void malformed(SyslogFrameDecoder.Malformation kind, long streamOffset) {
                problems.add(kind + "@" + streamOffset);
            }
        };
    }

    private static String type(String tag) {
        return switch (tag) {
            case "E01" -> "SSN";
            case "E02" -> "CREDIT_CARD";
            default -> "EMAIL";
        };
    }

    private static String redacted(Redactor redactor, SyslogParser parser, byte[] buffer, int offset, int length) {
        byte[] msg = Utf8Repair.repair(SyslogEvents.toEvent(parser.parse(buffer, offset, length), 0, "t", null, 0)
                .message());
        LineResult r = redactor.redact(msg, 0, msg.length);
        return r.clean() ? new String(msg, StandardCharsets.UTF_8)
                : new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.UTF_8);
    }

    /**
     * End to end over a real TCP connection into the real pipeline and file output: the tester's three connections,
     * and a short count that nothing within max_frame_bytes can extend (junk follows it), which is handed on cut at
     * its count, flagged, with its value masked from the bytes after it and nothing of those bytes in the document.
     */
    @Test
    void throughTheInputAndPipelineNoFragmentOfACutValueIsForwarded() throws Exception {
        Path out = dir.resolve("out.ndjson");
        FileOutput output = new FileOutput("file", new FileOutputConfig(out.toString(), null, null, null), vertx);
        await(output.start());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        Pipeline pipeline = new Pipeline(vertx, DetectionPlan.compile(DetectionSettings.defaults()), List.of(output),
                1, 8, new PipelineMetrics(metrics), "test-host");
        SyslogInput input = new SyslogInput(new SyslogInputConfig("127.0.0.1:0", null, true, false, null, "bb8", null,
                256, null, null, null, null), new ComponentContext("bb8", vertx, pipeline, dir, metrics));
        await(input.start());
        try {
            for (String[] t : TESTER) {
                send(input.port(), testerConnection(t[0], t[1]));
            }
            String cut = "<13>1 2026-12-07T10:00:00Z h app - - - FB ümläüt ssn 536-22-8714 ";
            String junk = "and then " + "no frame start here ".repeat(20);
            String good = "<13>1 2026-12-07T10:00:00Z h app - - - FB-next ok";
            ByteArrayOutputStream fb = new ByteArrayOutputStream();
            fb.writeBytes(((cut.length() - 1) + " " + cut + junk + good.length() + " " + good)
                    .getBytes(StandardCharsets.UTF_8));
            send(input.port(), fb.toByteArray());
            RecordingSink.await(() -> lines(out).size() >= 8, Duration.ofSeconds(20), "8 events expected in " + out);
        } finally {
            await(input.stop());
            await(pipeline.drain());
            await(output.stop());
        }
        List<String> lines = lines(out);
        assertThat(lines).hasSize(8);
        String all = String.join("\n", lines);
        for (String[] t : TESTER) {
            assertThat(all).doesNotContain(t[2]);
        }
        assertThat(all).doesNotContain("536-22-8").doesNotContain("8714").doesNotContain("no frame start");
        List<JsonNode> docs = new ArrayList<>();
        for (String line : lines) {
            docs.add(json.readTree(line));
        }
        for (String[] t : TESTER) {
            JsonNode cutOne = docs.stream().filter(d -> d.get("message").asText().startsWith(t[0] + " ")).findFirst()
                    .orElseThrow();
            assertThat(cutOne.get("message").asText()).endsWith("[REDACTED:" + type(t[0]) + "]");
            assertThat(cutOne.get("redactd").get("findings").get(type(t[0])).asInt()).isEqualTo(1);
        }
        JsonNode fallback = docs.stream().filter(d -> d.get("message").asText().startsWith("FB ")).findFirst()
                .orElseThrow();
        assertThat(fallback.get("message").asText()).isEqualTo("FB ümläüt ssn [REDACTED:SSN]");
        assertThat(fallback.get("redactd").get("findings").get("SSN").asInt()).isEqualTo(1);
        assertThat(fallback.get("log").get("flags").toString()).contains("syslog_count_suspect");
        assertThat(fallback.toString()).doesNotContain("split_context");
        assertThat(docs.stream().filter(d -> d.get("message").asText().equals("FB-next ok")).count()).isEqualTo(1);
        assertThat(metrics.get("redactd.input.errors").tag("reason", "octet_count_suspect").counter().count())
                .isEqualTo(1);
    }

    private static void send(int port, byte[] bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    private static List<String> lines(Path out) {
        try {
            return Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
