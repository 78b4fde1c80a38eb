package io.redactd.daemon.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.input.stdin.StdinInput;
import io.redactd.daemon.input.stdin.StdinInputConfig;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineTest {
    private static DetectionPlan plan;
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void compile() {
        plan = DetectionPlan.compile(DetectionSettings.defaults());
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> f, int seconds) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    }

    private static void poll(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** A file output writing NDJSON to {@code file}, started. */
    private FileOutput startedFileOutput(Path file) throws Exception {
        FileOutput out = new FileOutput("file", new FileOutputConfig(file.toString(), null, null, null), vertx);
        await(out.start(), 10);
        return out;
    }

    private double count(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private double gauge(String name) {
        var g = registry.find(name).gauge();
        return g == null ? -1 : g.value();
    }

    private static String line(int n) {
        // Every 10th line carries an SSN (valid area 123) and an e-mail.
        return n % 10 == 0 ? "line " + n + " patient ssn 123-45-6789 mail a.b@x.org" : "line " + n + " GET /health 200";
    }

    @Test
    void blockedOutputStopsReadingWithBoundedInFlightAndLosesNothing(@TempDir Path dir) throws Exception {
        int total = 20_000;
        int batchEvents = 100;
        int inputSlots = 3;
        Path outFile = dir.resolve("out.ndjson");
        GatedOutput gate = new GatedOutput(new FileOutput("file", new FileOutputConfig(outFile.toString(), null, null, null), vertx));
        await(gate.start(), 10);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(gate), 2, 8, new PipelineMetrics(registry), "test-host");

        // A real OS pipe: the producer blocks in write() once the pipe buffer (64 KiB on Linux) is full.
        Pipe pipe = Pipe.open();
        InputStream stdin = Channels.newInputStream(pipe.source());
        AtomicInteger written = new AtomicInteger();
        Thread producer = new Thread(() -> {
            try (OutputStream out = new BufferedOutputStream(Channels.newOutputStream(pipe.sink()), 4096)) {
                for (int i = 1; i <= total; i++) {
                    out.write((line(i) + "\n").getBytes(StandardCharsets.UTF_8));
                    written.incrementAndGet();
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, "producer");
        producer.setDaemon(true);
        StdinInput input = new StdinInput(new StdinInputConfig(null, batchEvents, inputSlots),
                new ComponentContext("in", vertx, pipeline, dir, registry), stdin);
        await(input.start(), 5);
        producer.start();

        // Output blocked: the input fills its slots, then stops reading; the producer blocks on the full pipe.
        poll("the output to hold every batch the input may have in flight", Duration.ofSeconds(20),
                () -> gate.held() == inputSlots);
        double readWhileBlocked = count("redactd.input.events", "input", "in");
        assertThat(readWhileBlocked).isLessThanOrEqualTo((inputSlots + 1) * batchEvents);
        assertThat(gauge("redactd.pipeline.batches.in.flight")).isEqualTo(inputSlots);
        assertThat(written.get()).isLessThan(total);
        assertThat(Files.size(outFile)).isZero();

        gate.open();
        await(input.finished(), 60);
        await(pipeline.drain(), 10);
        await(gate.stop(), 10);

        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines).hasSize(total);
        for (int i = 0; i < total; i++) {
            JsonNode doc = json.readTree(lines.get(i));
            String message = doc.get("message").asText();
            int n = i + 1;
            if (n % 10 == 0) {
                assertThat(message).startsWith("line " + n + " ").doesNotContain("123-45-6789").doesNotContain("a.b@x.org")
                        .contains("[REDACTED:SSN]").contains("[REDACTED:EMAIL]");
                assertThat(doc.at("/redactd/findings/SSN").asInt()).isEqualTo(1);
            } else {
                assertThat(message).isEqualTo(line(n));
            }
        }
        assertThat(count("redactd.output.events", "output", "file")).isEqualTo(total);
        assertThat(count("redactd.findings", "type", "SSN")).isEqualTo(total / 10);
        assertThat(gauge("redactd.pipeline.batches.in.flight")).isZero();
    }

    @Test
    void pipelineAdmitsAtMostItsLimitAndKeepsEachSourceInOrder(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        GatedOutput gate = new GatedOutput(new FileOutput("file", new FileOutputConfig(outFile.toString(), null, null, null), vertx));
        await(gate.start(), 10);
        int limit = 4;
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(gate), 2, limit, new PipelineMetrics(registry), "h");
        // A producer that ignores the input contract and submits everything at once.
        List<Future<Void>> acks = new ArrayList<>();
        for (int b = 0; b < 60; b++) {
            String source = "src-" + (b % 3);
            List<RawEvent> events = new ArrayList<>();
            for (int e = 0; e < 20; e++) {
                String msg = source + " seq " + (b / 3 * 20 + e);
                events.add(new RawEvent(msg.getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L,
                        Map.of("log.file.path", "/var/log/" + source + ".log", "log.offset", (long) e), e));
            }
            acks.add(pipeline.submit(new RawBatch(source, "in", events)));
        }
        // submit() hands each batch to the pipeline's context, so admission is observed, not assumed, complete.
        poll("the gate to hold the admitted batches and the rest to wait", Duration.ofSeconds(20),
                () -> gate.held() == limit && gauge("redactd.pipeline.batches.waiting") == 60 - limit);
        assertThat(gauge("redactd.pipeline.batches.in.flight")).isEqualTo(limit);
        assertThat(gauge("redactd.pipeline.batches.waiting")).isEqualTo(60 - limit);
        assertThat(acks).noneMatch(Future::isComplete);

        gate.open();
        await(Future.all(acks), 30);
        await(gate.stop(), 10);
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines).hasSize(60 * 20);
        int[] next = new int[3];
        for (String l : lines) {
            JsonNode doc = json.readTree(l);
            String[] parts = doc.get("message").asText().split(" ");
            int src = parts[0].charAt(4) - '0';
            assertThat(Integer.parseInt(parts[2])).as("order of source %d", src).isEqualTo(next[src]++);
            assertThat(doc.at("/log/file/path").asText()).isEqualTo("/var/log/src-" + src + ".log");
            assertThat(doc.at("/host/name").asText()).isEqualTo("h");
            assertThat(doc.at("/event/dataset").asText()).isEqualTo("in");
            assertThat(doc.get("@timestamp").asText()).isEqualTo("2023-11-14T22:13:20.000Z");
            assertThat(doc.at("/redactd/findings").isObject()).isTrue();
        }
        assertThat(next).containsExactly(400, 400, 400);
    }

    @Test
    void batchesOfOneSourceAreDetectedOnSeveralWorkersAndDeliveredInOrder(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        FileOutput out = startedFileOutput(outFile);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 2, 16, new PipelineMetrics(registry), "h");
        // The first batch's detection waits (on its worker) until the second batch of the same source is being
        // detected: that can only happen when one source's batches run on two workers at once.
        java.util.concurrent.CountDownLatch secondStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean firstDone = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
        pipeline.alertsTo((inputId, event, result, redacted) -> {
            String msg = new String(event.message(), StandardCharsets.UTF_8);
            if (msg.startsWith("batch 1 ")) {
                // Detected while batch 0 is not finished: only possible with two workers on one source.
                overlapped.compareAndSet(false, !firstDone.get());
                secondStarted.countDown();
            } else if (msg.startsWith("batch 0 seq 0 ")) {
                try {
                    secondStarted.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (msg.startsWith("batch 0 seq 399 ")) {
                firstDone.set(true);
            }
        });
        // Big and small batches alternate, so later batches often finish detection first.
        int events = submitInOrder(pipeline, 400, 3, 400, 3, 400, 3, 400, 3, 400, 3, 400, 3);
        await(out.stop(), 10);
        assertThat(overlapped).as("two batches of one source were detected at the same time").isTrue();
        assertInSourceOrder(outFile, events);
    }

    /**
     * Submits batches of the given sizes from one source, each event reading {@code batch B seq N patient ssn ...},
     * and waits for every acknowledgement; returns the number of events.
     */
    private static int submitInOrder(Pipeline pipeline, int... sizes) throws Exception {
        List<Future<Void>> acks = new ArrayList<>();
        int seq = 0;
        for (int b = 0; b < sizes.length; b++) {
            List<RawEvent> events = new ArrayList<>();
            for (int e = 0; e < sizes[b]; e++) {
                String msg = "batch " + b + " seq " + seq++ + " patient ssn 123-45-6789";
                events.add(new RawEvent(msg.getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, Map.of(), e));
            }
            acks.add(pipeline.submit(new RawBatch("one-file", "in", events)));
        }
        await(Future.all(acks), 60);
        return seq;
    }

    /** The output holds {@code events} events, in the order their source submitted them. */
    private void assertInSourceOrder(Path outFile, int events) throws Exception {
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines).hasSize(events);
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = json.readTree(lines.get(i)).get("message").asText().split(" ");
            assertThat(Integer.parseInt(parts[3])).as("line %d in source order", i).isEqualTo(i);
        }
    }

    @Test
    void aBatchDoneBeforeAnEarlierOneFreesItsWorkerForTheNextBatchOfItsSource(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        FileOutput out = startedFileOutput(outFile);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 2, 16, new PipelineMetrics(registry), "h");
        // Batch 0 waits (on its worker) until batch 2 is being detected. Batch 1 is done long before, but is delivered
        // only after batch 0: its worker must not wait with it, or batch 2 could only start once batch 0 finished.
        java.util.concurrent.CountDownLatch thirdStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean firstDone = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean thirdBeforeFirst = new java.util.concurrent.atomic.AtomicBoolean();
        pipeline.alertsTo((inputId, event, result, redacted) -> {
            String msg = new String(event.message(), StandardCharsets.UTF_8);
            if (msg.startsWith("batch 2 ")) {
                thirdBeforeFirst.compareAndSet(false, !firstDone.get());
                thirdStarted.countDown();
            } else if (msg.startsWith("batch 0 seq 0 ")) {
                try {
                    thirdStarted.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (msg.startsWith("batch 0 seq 9 ")) {
                firstDone.set(true);
            }
        });
        int events = submitInOrder(pipeline, 10, 10, 10);
        await(out.stop(), 10);
        assertThat(thirdBeforeFirst).as("batch 2 was detected while batch 0 still was").isTrue();
        assertInSourceOrder(outFile, events);
    }

    @Test
    void contentValuesInFieldsAreRedactedCountedAndAlertedNeverForwardedRaw(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        FileOutput out = startedFileOutput(outFile);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 2, 4, new PipelineMetrics(registry), "relay-1");
        List<String> alerted = new ArrayList<>();
        pipeline.alertsTo((input, event, result, redacted) -> {
            synchronized (alerted) {
                for (int i = 0; i < result.findingCount(); i++) {
                    alerted.add(result.finding(i).type());
                }
                // what an alert reads of the event's fields (AlertSource, AlertLocation): never a raw value
                alerted.add("host=" + event.fields().get("log.syslog.hostname"));
            }
        });
        // A syslog header as a sender could write it: an e-mail as HOSTNAME, an SSN as APP-NAME. One map shared by
        // three events (as the syslog input shares it): scanned once, redacted in every document.
        Map<String, Object> header = Map.of("log.syslog.hostname", new ContentValue("jane.roe@example.org"),
                "log.syslog.appname", new ContentValue("212-67-4821"), "log.syslog.procid", new ContentValue("77"));
        // A HEC event's host and source: the host becomes host.name (instead of this relay's), redacted
        Map<String, Object> hec = Map.of("host.name", new ContentValue("ward-7 415-555-0134"),
                "splunk.source", new ContentValue("/var/log/pt/john.doe@example.com.log"));
        List<RawEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(new RawEvent(("clean text " + i).getBytes(StandardCharsets.UTF_8), 0, header, i + 1));
        }
        events.add(new RawEvent("ssn 123-45-6789".getBytes(StandardCharsets.UTF_8), 0, hec, 4));
        await(pipeline.submit(new RawBatch("s", "in", events)), 10);
        await(out.stop(), 10);

        String all = Files.readString(outFile);
        assertThat(all).doesNotContain("jane.roe", "212-67-4821", "415-555-0134", "john.doe", "123-45-6789");
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines).hasSize(4);
        for (int i = 0; i < 3; i++) {
            JsonNode doc = json.readTree(lines.get(i));
            assertThat(doc.at("/log/syslog/hostname").asText()).isEqualTo("[REDACTED:EMAIL]");
            assertThat(doc.at("/log/syslog/appname").asText()).isEqualTo("[REDACTED:SSN]");
            assertThat(doc.at("/log/syslog/procid").asText()).isEqualTo("77");
            assertThat(doc.at("/host/name").asText()).isEqualTo("relay-1");
            assertThat(doc.at("/message").asText()).isEqualTo("clean text " + i);
            assertThat(doc.at("/redactd/findings/EMAIL").asInt()).isEqualTo(1);
            assertThat(doc.at("/redactd/findings/SSN").asInt()).isEqualTo(1);
        }
        JsonNode doc = json.readTree(lines.get(3));
        assertThat(doc.at("/host/name").asText()).isEqualTo("ward-7 [REDACTED:PHONE]");
        assertThat(doc.at("/splunk/source").asText()).isEqualTo("/var/log/pt/[REDACTED:EMAIL]");
        assertThat(doc.at("/message").asText()).isEqualTo("ssn [REDACTED:SSN]");
        assertThat(doc.at("/redactd/findings/SSN").asInt()).isEqualTo(1);
        assertThat(doc.at("/redactd/findings/PHONE").asInt()).isEqualTo(1);
        assertThat(doc.at("/redactd/findings/EMAIL").asInt()).isEqualTo(1);
        assertThat(count("redactd.findings", "type", "EMAIL")).isEqualTo(4);
        assertThat(alerted).doesNotContain("host=jane.roe@example.org").contains("host=[REDACTED:EMAIL]");
        assertThat(alerted.stream().filter("SSN"::equals).count()).isEqualTo(4);
        assertThat(alerted.stream().filter("PHONE"::equals).count()).isEqualTo(1);
    }

    @Test
    void aPieceAsLargeAsDetectionTakesKeepsTheContextThatFitsAndIsNotDropped(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        FileOutput out = startedFileOutput(outFile);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 1, 4, new PipelineMetrics(registry), "h");
        int max = io.redactd.detectors.redact.LineRedactor.MAX_EVENT_BYTES;
        // Larger than any piece the file input hands on (max_line_bytes is at most MAX_PIECE_BYTES): only 400 bytes
        // of the 525 of context fit; the ones nearest the cut are kept.
        byte[] piece = ("x ".repeat((max - 400 - 8) / 2) + " 4111111").getBytes(StandardCharsets.US_ASCII);
        assertThat(piece.length).isEqualTo(max - 400).isGreaterThan(io.redactd.daemon.input.EventLimit.MAX_PIECE_BYTES);
        SplitContext context = new SplitContext("y ".repeat(256).getBytes(StandardCharsets.US_ASCII),
                "111111111 tail".getBytes(StandardCharsets.US_ASCII));
        RawEvent e = new RawEvent(piece, 0, Map.of(SplitContext.FIELD, context, "log.flags", List.of("split")), 1);
        await(pipeline.submit(new RawBatch("s", "in", List.of(e))), 30);
        await(out.stop(), 10);
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("4111111\"").contains("[REDACTED:CREDIT_CARD]")
                .doesNotContain("split_context");
        assertThat(count("redactd.events.dropped", "reason", "detection_error")).isZero();
    }

    @Test
    void pathsForTheDaemonsLogAreShownAsTheDetectorsWouldForwardThem() {
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(), 1, 4, new PipelineMetrics(registry), "h");
        assertThat(pipeline.shown("/var/log/app/2026-12-07.log")).isEqualTo("/var/log/app/2026-12-07.log");
        String shown = pipeline.shown("/var/log/ehr/report-jane.roe@example.org.log");
        assertThat(shown).doesNotContain("jane.roe").contains("[REDACTED:EMAIL]");
        assertThat(pipeline.shown("/var/log/ehr/report-jane.roe@example.org.log")).isSameAs(shown);
    }

    @Test
    void aNumericHostAddressIsANetworkIdentityNotContent() {
        for (String address : List.of("10.1.2.3", "192.168.0.254", "fe80::1", "[2001:db8::7]", "::ffff:10.0.0.1")) {
            assertThat(ContentValue.hostName(address)).as(address).isEqualTo(address);
        }
        for (String name : List.of("ehr-01", "jane.roe@example.org", "212-67-4821", "cafe", "10.1.2", "a:b", "")) {
            assertThat(ContentValue.hostName(name)).as(name).isInstanceOf(ContentValue.class);
        }
    }

    @Test
    void aContentValueTheRedactorHasNotScannedIsWithheld() {
        ContentValue v = new ContentValue("jane.roe@example.org");
        assertThat(v.redacted()).isEqualTo(ContentValue.WITHHELD);
        assertThat(String.valueOf(Map.of("k", v))).doesNotContain("jane");
        assertThat(v).isEqualTo(new ContentValue("jane.roe@example.org")).isNotEqualTo(new ContentValue("x"));
        // A value detection refuses (over its size limit) is withheld, not forwarded unscanned.
        ContentValue huge = new ContentValue("4111111111111111 ".repeat(70_000));
        ContentValue.Redaction r = huge.redaction(plan, plan.newRedactor());
        assertThat(r.failed()).isTrue();
        assertThat(r.text()).isEqualTo(ContentValue.WITHHELD);
        assertThat(huge.redacted()).isEqualTo(ContentValue.WITHHELD);
    }

    @Test
    void invalidUtf8IsRepairedBeforeDetection(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        FileOutput out = startedFileOutput(outFile);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 1, 4, new PipelineMetrics(registry), "h");
        byte[] raw = "bad \u00ff\u00fe ssn 123-45-6789".getBytes(StandardCharsets.ISO_8859_1);
        await(pipeline.submit(new RawBatch("s", "in", List.of(new RawEvent(raw, 0, Map.of(), 1)))), 10);
        await(out.stop(), 10);
        String message = json.readTree(Files.readAllLines(outFile).get(0)).get("message").asText();
        assertThat(message).isEqualTo("bad \ufffd\ufffd ssn [REDACTED:SSN]");
        assertThat(registry.find("redactd.utf8.repaired").counter().count()).isEqualTo(1);
    }

    @Test
    void eventsWhoseDetectionFailsAreDroppedAndCountedNeverForwarded(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        FileOutput out = startedFileOutput(outFile);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 1, 4, new PipelineMetrics(registry), "h");
        // Over the detectors' per-line limit: detection refuses it (fail closed).
        String huge = "ssn 123-45-6789 " + "z".repeat(2 * 1024 * 1024);
        List<RawEvent> events = List.of(
                new RawEvent("before ssn 123-45-6789".getBytes(StandardCharsets.UTF_8), 0, Map.of(), 1),
                new RawEvent(huge.getBytes(StandardCharsets.UTF_8), 0, Map.of(), 2),
                new RawEvent("after".getBytes(StandardCharsets.UTF_8), 0, Map.of(), 3));
        await(pipeline.submit(new RawBatch("s", "in", events)), 10);
        await(out.stop(), 10);
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines).hasSize(2);
        assertThat(json.readTree(lines.get(0)).get("message").asText()).isEqualTo("before ssn [REDACTED:SSN]");
        assertThat(json.readTree(lines.get(1)).get("message").asText()).isEqualTo("after");
        assertThat(String.join("", lines)).doesNotContain("123-45-6789").doesNotContain("zzzz");
        assertThat(count("redactd.events.dropped", "reason", "detection_error")).isEqualTo(1);
    }

    /**
     * The pipeline hands the redactor its events in pairs; every event must still get exactly its own one-line
     * outcome, in order: a refused event as first or second of a pair drops only itself, and an odd last event is
     * redacted alone.
     */
    @Test
    void pairedDetectionGivesEveryEventItsOwnOutcomeInOrder(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        FileOutput out = startedFileOutput(outFile);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 1, 4, new PipelineMetrics(registry), "h");
        String huge = "ssn 123-45-6789 " + "z".repeat(2 * 1024 * 1024);
        List<String> messages = List.of(huge, "first ssn 123-45-6789", "GET /health 200",
                "{\"user\":{\"mail\":\"a.b@x.org\"},\"n\":1}", "clean line", huge, "", "odd last a.b@x.org");
        List<RawEvent> events = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            events.add(new RawEvent(messages.get(i).getBytes(StandardCharsets.UTF_8), 0, Map.of(), i));
        }
        await(pipeline.submit(new RawBatch("s", "in", events)), 10);
        await(out.stop(), 10);
        // what one line at a time gives, for the events that are not refused
        var single = plan.newRedactor();
        List<String> expected = new ArrayList<>();
        List<Map<String, Integer>> expectedFindings = new ArrayList<>();
        for (String m : messages) {
            if (!m.equals(huge)) {
                var r = single.redact(m.getBytes(StandardCharsets.UTF_8));
                expected.add(new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.UTF_8));
                Map<String, Integer> perType = new java.util.TreeMap<>();
                for (int f = 0; f < r.findingCount(); f++) {
                    perType.merge(r.finding(f).type(), 1, Integer::sum);
                }
                expectedFindings.add(perType);
            }
        }
        List<String> lines = Files.readAllLines(outFile);
        List<String> forwarded = new ArrayList<>();
        List<Map<String, Integer>> findings = new ArrayList<>();
        for (String l : lines) {
            var doc = json.readTree(l);
            forwarded.add(doc.get("message").asText());
            // each document's own findings: a pair must not give one event's findings to its partner
            Map<String, Integer> perType = new java.util.TreeMap<>();
            doc.get("redactd").get("findings").fields().forEachRemaining(f -> perType.put(f.getKey(), f.getValue().asInt()));
            findings.add(perType);
        }
        assertThat(forwarded).containsExactlyElementsOf(expected);
        assertThat(findings).containsExactlyElementsOf(expectedFindings);
        assertThat(findings.get(0)).containsEntry("SSN", 1);
        assertThat(forwarded.get(0)).isEqualTo("first ssn [REDACTED:SSN]");
        assertThat(count("redactd.events.dropped", "reason", "detection_error")).isEqualTo(2);
        assertThat(count("redactd.findings", "type", "SSN")).isEqualTo(1);
        assertThat(count("redactd.findings", "type", "EMAIL")).isEqualTo(2);
    }
    /** Refuses the first {@code refusals} writes as a full disk would, then writes through. */
    private static final class RefusingOutput extends ForwardingOutput {
        private final AtomicInteger refusals;

        RefusingOutput(io.redactd.outputs.Output delegate, int refusals) {
            super(delegate);
            this.refusals = new AtomicInteger(refusals);
        }

        @Override
        public Future<Void> write(io.redactd.outputs.EventBatch batch) {
            return refusals.getAndDecrement() > 0 ? Future.failedFuture(new IOException("No space left on device"))
                    : delegate.write(batch);
        }
    }

    @Test
    void aBatchRefusedAndOfferedAgainIsCountedOnceAsReceivedAndEachRefusalApart(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("out.ndjson");
        RefusingOutput out = new RefusingOutput(startedFileOutput(outFile), 2);
        Pipeline pipeline = new Pipeline(vertx, plan, List.of(out), 2, 8, new PipelineMetrics(registry), "test-host");
        List<RawEvent> events = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            events.add(new RawEvent(line(i).getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, Map.of(), i));
        }
        RawBatch batch = new RawBatch("in:1", "in", events);
        // What an input does with a refused batch: keep it and offer it again.
        int offers = 0;
        boolean taken = false;
        while (!taken) {
            offers++;
            assertThat(offers).as("offers").isLessThanOrEqualTo(3);
            taken = pipeline.submit(batch).toCompletionStage().toCompletableFuture()
                    .handle((v, e) -> e == null).get(10, TimeUnit.SECONDS);
        }
        assertThat(offers).isEqualTo(3);
        assertThat(count("redactd.input.events", "input", "in")).isEqualTo(3);
        long bytes = 0;
        for (RawEvent e : events) {
            bytes += e.message().length;
        }
        assertThat(count("redactd.input.bytes", "input", "in")).isEqualTo(bytes);
        assertThat(count("redactd.input.refused.events", "input", "in")).isEqualTo(6);
        await(pipeline.drain(), 10);
        await(out.stop(), 10);
        assertThat(Files.readAllLines(outFile)).hasSize(3);
    }
}
