package io.redactd.daemon.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.event.EventDocument;
import io.redactd.daemon.event.SyslogStructuredData;
import io.redactd.daemon.event.Utf8Repair;
import io.redactd.daemon.event.Utf8Text;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.PipelineMetrics;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.ContentValue;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog input's fast path (framing, parsing with per-connection token reuse, shared field maps, the pipeline's
 * event writer with its cached literals and baked constant values) against the plain one: each frame parsed on its
 * own into a fresh field map, redacted, and written as a tree ({@link EventDocument}). A varied stream (RFC 5424
 * and 3164, with and without structured data, hosts and apps changing mid-connection, invalid UTF-8, PHI in SD
 * values and messages) must come out byte for byte the same, and no PHI may survive in either.
 */
class SyslogDocumentEquivalenceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-10T12:00:00Z"), ZoneOffset.UTC);
    private static final long RECEIVED_MS = 1_773_140_000_123L;
    private static final String HOST = "relay-01";
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static final String[] HOSTS = {"ehr-01", "ehr-02", "lab.example.org", "10.1.2.3"};
    private static final String[] APPS = {"billing", "lab", "sshd", "app"};
    private static final String[] PHI = {"ssn 123-45-6789", "mail jane.doe@example.org", "card 4111 1111 1111 1111",
            "call 555-867-5309", "from 10.20.30.40"};

    /** One frame of a stream whose header stays put for runs of messages and then changes. */
    private static byte[] frame(Random rnd, int[] header) {
        if (rnd.nextInt(40) == 0) {
            header[0] = rnd.nextInt(HOSTS.length);
        }
        if (rnd.nextInt(30) == 0) {
            header[1] = rnd.nextInt(APPS.length);
        }
        if (rnd.nextInt(25) == 0) {
            header[2] = rnd.nextInt(192);
        }
        String host = HOSTS[header[0]];
        String app = APPS[header[1]];
        int pri = header[2];
        String procid = rnd.nextInt(10) == 0 ? "-" : String.valueOf(4000 + header[1] + (rnd.nextInt(20) == 0 ? 1 : 0));
        String msgid = rnd.nextInt(3) == 0 ? "-" : "ID" + (rnd.nextInt(8) == 0 ? rnd.nextInt(3) : 47);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int kind = rnd.nextInt(20);
        if (kind < 12) {
            String ts = rnd.nextInt(15) == 0 ? "-"
                    : "2026-03-10T11:0" + rnd.nextInt(10) + ":" + (10 + rnd.nextInt(50)) + "." + rnd.nextInt(1000)
                    + (rnd.nextBoolean() ? "Z" : "+01:00");
            write(out, "<" + pri + ">1 " + ts + " " + host + " " + app + " " + procid + " " + msgid + " ");
            if (rnd.nextInt(3) == 0) {
                write(out, "[origin ip=\"10.0.0." + rnd.nextInt(3) + "\"]");
                if (rnd.nextBoolean()) {
                    write(out, "[patient@32473 note=\"" + PHI[rnd.nextInt(PHI.length)]);
                    if (rnd.nextInt(4) == 0) {
                        out.write(0xC3); // invalid UTF-8 in an SD value: repaired before anything else
                    }
                    write(out, "\" esc=\"a\\\"b\\]c\\\\\" note=\"" + PHI[rnd.nextInt(PHI.length)] + "\"]");
                }
            } else {
                write(out, "-");
            }
            if (rnd.nextInt(6) != 0) {
                out.write(' ');
                if (rnd.nextInt(10) == 0) {
                    out.write(0xEF);
                    out.write(0xBB);
                    out.write(0xBF);
                }
                text(rnd, out);
            }
        } else if (kind < 17) {
            write(out, "<" + pri + ">Mar " + (1 + rnd.nextInt(28)) + " 0" + rnd.nextInt(10) + ":1" + rnd.nextInt(10)
                    + ":2" + rnd.nextInt(10) + " " + host + " " + app + (rnd.nextBoolean() ? "[" + procid + "]" : "")
                    + ": ");
            text(rnd, out);
        } else if (kind < 19) {
            write(out, "<" + pri + ">" + app + ": ");
            text(rnd, out);
        } else {
            text(rnd, out); // no header at all
        }
        return out.toByteArray();
    }

    private static void text(Random rnd, ByteArrayOutputStream out) {
        int words = 1 + rnd.nextInt(12);
        for (int w = 0; w < words; w++) {
            switch (rnd.nextInt(12)) {
                case 0 -> write(out, PHI[rnd.nextInt(PHI.length)]);
                case 1 -> out.write(0x80 + rnd.nextInt(0x40)); // a stray continuation byte
                case 2 -> write(out, "\u00e9t\u00e9 \"q\" \\ \t");
                case 3 -> write(out, "[x=\"y\"]");
                default -> write(out, "word" + rnd.nextInt(100));
            }
            out.write(' ');
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** What the pipeline writes for one event, built as a tree from a message parsed on its own. */
    private static String reference(byte[] frame, SyslogParser parser, Redactor redactor) {
        RawEvent e = SyslogEvents.toEvent(parser.parse(frame, 0, frame.length), RECEIVED_MS, "ehr", "127.0.0.1", 1);
        byte[] msg = Utf8Repair.repair(e.message());
        LineResult r = redactor.redact(msg, 0, msg.length);
        assertThat(r.dropped()).isFalse();
        SortedMap<String, Object> findings = new TreeMap<>();
        for (int i = 0; i < r.findingCount(); i++) {
            findings.merge(r.finding(i).type(), 1, (a, b) -> (Integer) a + (Integer) b);
        }
        byte[] out = r.clean() ? msg
                : Arrays.copyOfRange(r.output(), r.outputOffset(), r.outputOffset() + r.outputLength());
        // Header fields are content too: each redacted on its own, its findings counted with the message's.
        Map<String, Object> fields = new TreeMap<>();
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            Object v = f.getValue();
            if (v instanceof ContentValue c) {
                byte[] raw = c.raw().getBytes(StandardCharsets.UTF_8);
                LineResult fr = redactor.redact(raw, 0, raw.length);
                for (int i = 0; i < fr.findingCount(); i++) {
                    findings.merge(fr.finding(i).type(), 1, (a, b) -> (Integer) a + (Integer) b);
                }
                v = fr.clean() ? c.raw() : new String(fr.output(), fr.outputOffset(), fr.outputLength(),
                        StandardCharsets.UTF_8);
            }
            fields.put(f.getKey(), v);
        }
        SyslogStructuredData.Split sd = e.fields().get(SyslogStructuredData.FIELD) == SyslogStructuredData.PREFIXED
                ? SyslogStructuredData.split(out) : null;
        EventDocument doc = new EventDocument()
                .put("@timestamp", EventDocument.isoMillis(e.timestampMs()))
                .put("host.name", HOST)
                .put("message", Utf8Text.of(sd == null ? out : sd.text()))
                .put("redactd.findings", findings.isEmpty() ? Collections.emptySortedMap() : findings);
        if (sd != null) {
            doc.put(SyslogStructuredData.FIELD, sd.elements());
        }
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            if (f.getValue() != SyslogStructuredData.PREFIXED) {
                doc.put(f.getKey(), f.getValue());
            }
        }
        return new String(doc.toCanonicalJson(), StandardCharsets.UTF_8);
    }

    @Test
    void phiAsAnSdIdIsRedactedAndTheElementStaysInOnePiece() {
        // "212-67-4821" is a valid SD-ID (RFC 5424 6.3.2) and an SSN: redacted where it stands, it must not turn the
        // rest of the element into message text
        DetectionPlan plan = DetectionPlan.compile(DetectionSettings.defaults());
        byte[] frame = "<13>1 2026-03-10T11:00:00Z h app - - [212-67-4821 a=\"b\"] admitted"
                .getBytes(StandardCharsets.UTF_8);
        String doc = reference(frame, new SyslogParser(CLOCK), plan.newRedactor());
        assertThat(doc).doesNotContain("212-67-4821").doesNotContain(SyslogStructuredData.FIELD)
                .contains("\"message\":\"[[REDACTED:SSN] a=\\\"b\\\"] admitted\"");
    }

    @Test
    void theFastPathWritesTheSameBytesAsAFreshParseWrittenAsATree(@TempDir Path dir) throws Exception {
        DetectionPlan plan = DetectionPlan.compile(DetectionSettings.defaults());
        Random rnd = new Random(5424);
        int[] header = {0, 0, 134};
        List<byte[]> frames = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 6000; i++) {
            byte[] f = frame(rnd, header);
            frames.add(f);
            // octet counting: any byte may appear in a frame
            write(stream, f.length + " ");
            stream.writeBytes(f);
        }

        // the input's path: one decoder, token cache and field cache per connection, reads of random sizes
        SyslogParser parser = new SyslogParser(CLOCK);
        SyslogParser.Tokens tokens = new SyslogParser.Tokens();
        SyslogEvents.FieldsCache cache = new SyslogEvents.FieldsCache();
        List<RawEvent> events = new ArrayList<>();
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(64 * 1024);
        SyslogFrameDecoder.Listener listener = new SyslogFrameDecoder.Listener() {
            @Override
            public void frame(byte[] buffer, int offset, int length) {
                events.add(SyslogEvents.toEvent(parser.parse(buffer, offset, length, tokens), RECEIVED_MS, "ehr",
                        "127.0.0.1", events.size() + 1, cache));
            }

            @Override
            public void cutFrame(byte[] buffer, int offset, int length, byte[] after) {
                throw new AssertionError("cut frame at event " + (events.size() + 1));
            }

            @Override
            public void malformed(SyslogFrameDecoder.Malformation kind, long streamOffset) {
                throw new AssertionError(kind + " at " + streamOffset);
            }
        };
        byte[] bytes = stream.toByteArray();
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + rnd.nextInt(9000));
            decoder.feed(Arrays.copyOfRange(bytes, at, at + n), 0, n, listener);
            at += n;
        }
        decoder.end(listener);
        assertThat(events).hasSize(frames.size());

        Path outFile = dir.resolve("out.ndjson");
        FileOutput output = new FileOutput("file", new FileOutputConfig(outFile.toString(), null, null, null), vertx);
        output.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(output), 2, 8,
                new PipelineMetrics(new SimpleMeterRegistry()), HOST);
        List<Future<Void>> acks = new ArrayList<>();
        for (int from = 0; from < events.size(); ) {
            int to = Math.min(events.size(), from + 1 + rnd.nextInt(300));
            acks.add(pipeline.submit(new RawBatch("conn-1", "ehr", List.copyOf(events.subList(from, to)))));
            from = to;
        }
        Future.all(acks).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        output.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(outFile, StandardCharsets.UTF_8);

        Redactor redactor = plan.newRedactor();
        SyslogParser plain = new SyslogParser(CLOCK);
        assertThat(lines).hasSize(frames.size());
        int withSd = 0;
        for (int i = 0; i < frames.size(); i++) {
            String want = reference(frames.get(i), plain, redactor);
            assertThat(lines.get(i)).as("frame %d: %s", i, new String(frames.get(i), StandardCharsets.UTF_8))
                    .isEqualTo(want);
            assertThat(lines.get(i)).doesNotContain("123-45-6789", "jane.doe@example.org", "4111 1111 1111 1111");
            withSd += lines.get(i).contains("\"structured_data\":{") ? 1 : 0;
        }
        // the stream did exercise what it is meant to
        assertThat(withSd).isGreaterThan(500);
        assertThat(lines.stream().filter(l -> l.contains("\"hostname\":\"lab.example.org\"")).count()).isGreaterThan(100);
        assertThat(lines.stream().filter(l -> l.contains("[REDACTED:")).count()).isGreaterThan(1000);
        assertThat(lines.stream().filter(l -> l.contains("\\ufffd") || l.contains("\ufffd")).count()).isGreaterThan(100);
    }
}
