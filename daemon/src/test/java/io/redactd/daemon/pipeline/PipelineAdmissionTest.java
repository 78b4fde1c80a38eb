package io.redactd.daemon.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The admission budget on the real pipeline: charged on submit, released on every way a batch can finish. */
class PipelineAdmissionTest {
    private static DetectionPlan plan;
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void compile() {
        plan = DetectionPlan.compile(DetectionSettings.defaults());
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private Pipeline pipeline(io.redactd.outputs.Output out, AdmissionBudget budget) {
        return new Pipeline(vertx, plan, DeliveryStage.unchained(vertx, List.of(out)), 2, 4, budget,
                new PipelineMetrics(registry), "h");
    }

    private static RawBatch batch(String source, int n, int bytes) {
        List<RawEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] msg = new byte[bytes];
            java.util.Arrays.fill(msg, (byte) 'x');
            byte[] id = (source + " " + i + " ssn 123-45-6789 ").getBytes(StandardCharsets.UTF_8);
            System.arraycopy(id, 0, msg, 0, id.length);
            events.add(new RawEvent(msg, 1_700_000_000_000L, Map.of(), i));
        }
        return new RawBatch(source, "in", events);
    }

    private double gauge(String name) {
        return registry.find(name).gauge().value();
    }

    @Test
    void blockedOutputSaturatesTheBudgetAndEveryByteComesBackWhenItIsWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.ndjson");
        GatedOutput gate = new GatedOutput(new FileOutput("file", new FileOutputConfig(file.toString(), null, null, null), vertx));
        await(gate.start());
        RawBatch one = batch("s0", 50, 1000);
        long cost = AdmissionBudget.cost(one);
        AdmissionBudget budget = new AdmissionBudget(cost * 10, cost * 3);
        Pipeline pipeline = pipeline(gate, budget);
        AtomicInteger resumed = new AtomicInteger();

        List<Future<Void>> acks = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            assertThat(pipeline.awaitRoom("in", resumed::incrementAndGet)).as("room before batch %d", b).isFalse();
            acks.add(pipeline.submit(batch("s" + (b % 3), 50, 1000)));
        }
        // Charged on submit (4 in flight, 6 waiting: both count), so the tenth batch saturated it at once.
        assertThat(budget.used()).isEqualTo(cost * 10);
        assertThat(gauge("redactd.pipeline.admitted.bytes")).isEqualTo(cost * 10);
        assertThat(gauge("redactd.pipeline.admission.limit.bytes")).isEqualTo(cost * 10);
        assertThat(pipeline.admissionRoom()).isZero();
        assertThat(pipeline.awaitRoom("in", resumed::incrementAndGet)).isTrue();
        assertThat(pipeline.awaitRoom("other", resumed::incrementAndGet)).isTrue();
        assertThat(registry.find("redactd.pipeline.admission.pauses").tag("input", "in").counter().count()).isEqualTo(1);
        assertThat(registry.find("redactd.pipeline.admission.pauses").tag("input", "other").counter().count()).isEqualTo(1);
        assertThat(resumed).hasValue(0);

        gate.open();
        await(Future.all(acks));
        await(pipeline.drain());
        assertThat(resumed).as("both waiting inputs called back once").hasValue(2);
        assertThat(budget.used()).isZero();
        assertThat(gauge("redactd.pipeline.admitted.bytes")).isZero();
        assertThat(Files.readAllLines(file)).hasSize(500).noneMatch(l -> l.contains("123-45-6789"));
    }

    @Test
    void failedWritesRefusalsAndStoppedForwardingLeaveNothingCharged(@TempDir Path dir) throws Exception {
        AtomicInteger writes = new AtomicInteger();
        ForwardingOutput failing = new ForwardingOutput(new FileOutput("file",
                new FileOutputConfig(dir.resolve("out.ndjson").toString(), null, null, null), vertx)) {
            @Override
            public Future<Void> write(EventBatch b) {
                // every other write fails, as an output whose disk is full would
                return writes.incrementAndGet() % 2 == 0 ? Future.failedFuture(new java.io.IOException("disk full"))
                        : delegate.write(b);
            }
        };
        await(failing.start());
        AdmissionBudget budget = new AdmissionBudget(1L << 30, 1L << 29);
        Pipeline pipeline = pipeline(failing, budget);

        List<Future<Void>> acks = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            acks.add(pipeline.submit(batch("s" + b % 2, 20, 300)));
        }
        await(Future.join(acks).otherwiseEmpty());
        assertThat(acks).anyMatch(Future::failed).anyMatch(Future::succeeded);
        assertThat(budget.used()).as("failed writes released their charge").isZero();

        // Held in detection when forwarding stops: finished as refused, released too.
        GatedOutput gate = new GatedOutput(failing);
        Pipeline held = pipeline(gate, budget);
        List<Future<Void>> inFlight = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            inFlight.add(held.submit(batch("t", 20, 300)));
        }
        assertThat(budget.used()).isPositive();
        held.stopForwarding("test");
        gate.open();
        await(Future.join(inFlight).otherwiseEmpty());
        assertThat(budget.used()).as("batches finished after forwarding stopped released their charge").isZero();

        // Refused at the door: never charged.
        Future<Void> refused = held.submit(batch("t", 20, 300));
        assertThat(refused.failed()).isTrue();
        assertThat(budget.used()).isZero();

        // An event over detection's limit is dropped (fail closed) and its batch still releases everything.
        Future<Void> oversize = pipeline.submit(batch("big", 1, 2 << 20));
        await(oversize.otherwiseEmpty());
        assertThat(budget.used()).isZero();
    }
}
