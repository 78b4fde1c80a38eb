package io.redactd.daemon.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.redactd.daemon.alert.AlertEventSink;
import io.redactd.daemon.alert.FindingsHook;
import io.redactd.daemon.event.EventWriter;
import io.redactd.daemon.event.SyslogStructuredData;
import io.redactd.daemon.event.Utf8Repair;
import io.redactd.daemon.event.Utf8Text;
import io.redactd.daemon.tls.LogThrottle;
import io.redactd.detectors.DetectionException;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.redact.LineRedactor;
import io.redactd.outputs.Output;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Collections;

/**
 * Inputs -> detection -> outputs. Bookkeeping runs on one event-loop context; detection runs on a worker pool with
 * one {@link Redactor} per worker thread.
 *
 * <p>Order: batches of one source pass through a lane: several may be detected at once (one per worker), but a
 * batch is delivered (chained and written) only after every earlier batch of its source, so each output sees a
 * source's events in order. Different sources are detected in parallel too.
 *
 * <p>Back-pressure: at most {@code maxBatchesInFlight} batches are admitted (accepted, not yet written); further
 * batches wait unstarted, and since every input keeps only a few batches in flight and waits for their
 * acknowledgement, reading stops while an output is slow. An acknowledgement completes only after every output
 * wrote the batch. What bounds memory across inputs is the {@link AdmissionBudget}: the bytes of every batch submitted
 * and not yet acknowledged (waiting or in flight) are charged to it, and while it is saturated inputs stop reading
 * ({@link #awaitRoom}) until it has room again.
 *
 * <p>Fail closed: an event whose detection fails is dropped and counted, never forwarded unredacted.
 */
public final class Pipeline implements EventSink, AlertEventSink {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final Context context;
    private final WorkerExecutor workers;
    /** The detectors in force; replaced as a whole on reload (SIGHUP), picked up by each worker at its next batch. */
    private volatile DetectionPlan plan;
    private final ThreadLocal<WorkerRedactor> redactors = new ThreadLocal<>();
    private final ThreadLocal<WorkerRedactor> fieldRedactors = new ThreadLocal<>();
    private final LogThrottle withheldLog = new LogThrottle(10_000);
    /** Texts for the daemon's log ({@link #shown}): one scan per distinct text and plan, a bounded number kept. */
    private final Map<String, String> shownTexts = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1024;
        }
    };
    private WorkerRedactor shownRedactor;
    private final ThreadLocal<EventWriter> writers = ThreadLocal.withInitial(EventWriter::new);
    private final DeliveryStage delivery;
    private final PipelineMetrics metrics;
    private final String hostName;
    /** Last time invalid UTF-8 was reported in the log: at most one line per interval, counts always in /metrics. */
    private final java.util.concurrent.atomic.AtomicLong lastRepairWarnMs = new java.util.concurrent.atomic.AtomicLong();
    private final int maxInFlight;
    /** Batches of one source being detected at once: one per worker thread. */
    private final int parallelPerLane;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private volatile int inFlight;
    private volatile int waitingCount;
    private final List<Promise<Void>> drainWaiters = new ArrayList<>();
    private final AdmissionBudget budget;
    // --- leak alerts (io.redactd.daemon.alert): findings go straight to the alert manager, never through outputs
    private volatile FindingsHook findingsHook;
    private volatile String forwardingStopped;

    public Pipeline(Vertx vertx, DetectionPlan plan, List<Output> outputs, int workerThreads, int maxBatchesInFlight,
                    PipelineMetrics metrics, String hostName) {
        this(vertx, plan, DeliveryStage.unchained(vertx, outputs), workerThreads, maxBatchesInFlight, metrics, hostName);
    }

    /** With the default admission budget (a share of this JVM's heap). */
    public Pipeline(Vertx vertx, DetectionPlan plan, DeliveryStage delivery, int workerThreads, int maxBatchesInFlight,
                    PipelineMetrics metrics, String hostName) {
        this(vertx, plan, delivery, workerThreads, maxBatchesInFlight, AdmissionBudget.of(null, null), metrics,
                hostName);
    }

    /**
     * @param delivery where detected events go (the integrity chain and the outputs); runs on this pipeline's context
     * @param budget   the bytes all inputs together may have submitted and not yet acknowledged
     */
    public Pipeline(Vertx vertx, DetectionPlan plan, DeliveryStage delivery, int workerThreads, int maxBatchesInFlight,
                    AdmissionBudget budget, PipelineMetrics metrics, String hostName) {
        this.context = vertx.getOrCreateContext();
        this.workers = vertx.createSharedWorkerExecutor("redactd-detect", workerThreads);
        // Initializes the writer's classes here (a VarHandle is set up on first use, which takes milliseconds), not
        // inside the first batches, where it would delay the first worker and let later batches overtake it.
        new EventWriter().begin().core("message", Utf8Text.of(new byte[16])).finish();
        this.plan = plan;
        this.delivery = delivery;
        delivery.bind(context, metrics);
        this.metrics = metrics;
        this.hostName = hostName;
        this.maxInFlight = maxBatchesInFlight;
        this.parallelPerLane = Math.max(1, workerThreads);
        this.budget = budget;
        Gauge.builder("redactd.pipeline.admitted.bytes", budget, AdmissionBudget::used)
                .description("Bytes of batches submitted and not yet acknowledged (with a fixed charge per event)")
                .register(metrics.registry());
        Gauge.builder("redactd.pipeline.admission.limit.bytes", budget, AdmissionBudget::highWater)
                .description("Admitted bytes at which inputs stop reading (pipeline.max_admitted_bytes)")
                .register(metrics.registry());
        Gauge.builder("redactd.pipeline.batches.in.flight", this, p -> p.inFlight)
                .description("Batches admitted to detection and not yet written by every output")
                .register(metrics.registry());
        Gauge.builder("redactd.pipeline.batches.waiting", this, p -> p.waitingCount)
                .description("Batches submitted but waiting for room in the pipeline")
                .register(metrics.registry());
    }

    /**
     * {@code prepared}: documents that skip detection (alert events), else null. {@code charged}: what the batch holds
     * of the admission budget, released when it finishes.
     */
    private record Pending(RawBatch batch, Promise<Void> ack, Context caller, List<byte[]> prepared, long charged) {
        Pending(RawBatch batch, Promise<Void> ack, Context caller, long charged) {
            this(batch, ack, caller, null, charged);
        }
    }

    /** A source's queue; exists only while it has work. */
    /** A worker's redactor and the plan it came from: a worker notices a replaced plan without any lock. */
    private record WorkerRedactor(DetectionPlan plan, Redactor redactor) {
    }

    private Redactor redactor(DetectionPlan current) {
        WorkerRedactor w = redactors.get();
        if (w == null || w.plan() != current) {
            w = new WorkerRedactor(current, current.newRedactor());
            redactors.set(w);
        }
        return w.redactor();
    }

    /**
     * Replaces the detectors (config reload). Batches already being detected finish with the old plan; every batch
     * started afterwards uses the new one, so no event is dropped or detected twice.
     */
    public void replacePlan(DetectionPlan next) {
        this.plan = next;
    }

    /**
     * A source's batches in submission order. Up to {@code parallel} of them are detected at once (detection is pure
     * per batch: one redactor per worker thread), but they are delivered strictly in order, each only after every
     * earlier batch of the source, so one busy file or connection can use every core and still reaches the chain
     * and the outputs in order.
     */
    private final class Lane {
        final String sourceId;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        final ArrayDeque<Slot> started = new ArrayDeque<>();
        /**
         * Started batches still being detected. A batch done before an earlier one waits for it without holding a
         * worker's place: the next batch starts meanwhile (the inputs' own in-flight limits bound how many wait).
         */
        int detecting;

        Lane(String sourceId) {
            this.sourceId = sourceId;
        }

        /** Starts what may start, delivers what is done at the head, and removes the lane when it is empty. */
        void pump() {
            Pending p;
            while (detecting < parallelPerLane && (p = queue.poll()) != null) {
                Slot slot = new Slot(p);
                started.add(slot);
                if (p.prepared() != null) {
                    slot.done(EventDocs.of(p.prepared()));
                } else {
                    Pending batch = p;
                    detecting++;
                    workers.<EventDocs>executeBlocking(() -> detect(batch.batch()), false).onComplete(ar -> {
                        detecting--;
                        if (ar.failed()) {
                            // Not a DetectionException (those are handled per event): a bug. Fail closed for the batch.
                            LOG.error("detection failed for a whole batch input={} events={} error={}",
                                    batch.batch().inputId(), batch.batch().events().size(),
                                    ar.cause().getClass().getName());
                            metrics.dropped("detection_error", batch.batch().events().size());
                            slot.done(EventDocs.of(List.of()));
                        } else {
                            slot.done(ar.result());
                        }
                        pump();
                    });
                }
            }
            while (!started.isEmpty() && started.peek().docs != null) {
                Slot head = started.poll();
                deliver(head.pending, head.docs);
            }
            if (started.isEmpty() && queue.isEmpty()) {
                lanes.remove(sourceId);
            } else if (detecting < parallelPerLane && !queue.isEmpty()) {
                pump();
            }
        }
    }

    /** A started batch of a lane; {@code docs} is set (on the pipeline's context) once detection is done. */
    private static final class Slot {
        final Pending pending;
        EventDocs docs;

        Slot(Pending pending) {
            this.pending = pending;
        }

        void done(EventDocs result) {
            docs = result;
        }
    }

    @Override
    public Future<Void> submit(RawBatch batch) {
        String stopped = forwardingStopped;
        if (stopped != null) {
            // Fail closed: inputs back off and retry; nothing more is read, redacted or written.
            metrics.inputRefused(batch.inputId(), batch.events().size());
            return Future.failedFuture(new ForwardingStoppedException(stopped));
        }
        Promise<Void> ack = Promise.promise();
        Context caller = Vertx.currentContext();
        // Charged here, on the input's thread, so the input sees the saturation its own batch caused at once.
        long charged = AdmissionBudget.cost(batch);
        budget.acquire(charged);
        try {
            context.runOnContext(v -> accept(new Pending(batch, ack, caller, charged)));
        } catch (RuntimeException e) {
            // Vert.x is closing: the batch never reaches the pipeline, so neither may its charge stay.
            budget.release(charged);
            return Future.failedFuture(e);
        }
        return ack.future();
    }

    @Override
    public long admissionRoom() {
        return budget.room();
    }

    @Override
    public boolean awaitRoom(String inputId, Runnable resume) {
        if (!budget.awaitRoom(resume)) {
            return false;
        }
        metrics.admissionPaused(inputId);
        return true;
    }

    /** The shared budget (tests and /readyz details). */
    public AdmissionBudget admissionBudget() {
        return budget;
    }

    // ---- leak alerts: the hook, the alert event path, the canary probe and fail-closed (io.redactd.daemon.alert) ----

    /** Hands every event with findings to {@code hook} on the worker thread (it must not block). */
    public void alertsTo(FindingsHook hook) {
        this.findingsHook = hook;
    }

    /**
     * Writes an alert event ({@code event.kind: alert}) built from redacted text only: it skips detection but takes
     * the same lane, chain stage and outputs as every event, also after forwarding stopped (the canary's own alert).
     */
    @Override
    public Future<Void> submitAlertEvent(byte[] document) {
        Promise<Void> ack = Promise.promise();
        Context caller = Vertx.currentContext();
        RawBatch batch = new RawBatch(ALERT_SOURCE, ALERT_SOURCE, List.of());
        context.runOnContext(v -> accept(new Pending(batch, ack, caller, List.of(document), 0)));
        return ack.future();
    }

    static final String ALERT_SOURCE = "redactd.alerts";

    /** A canary probe's outcome: the redacted text (null when dropped by a drop action) and the types found. */
    public record Probe(String redacted, List<String> types) {
    }

    /**
     * Runs one line through the same repair and redactor as events, on the detection workers, without forwarding
     * it or raising alerts.
     */
    public Future<Probe> probe(byte[] line) {
        return workers.executeBlocking(() -> {
            byte[] msg = Utf8Repair.repair(line);
            LineResult r = redactor(plan).redact(msg, 0, msg.length);
            List<String> types = new ArrayList<>();
            for (int i = 0; i < r.findingCount(); i++) {
                types.add(r.finding(i).type());
            }
            String out = r.dropped() ? null : new String(r.output(), r.outputOffset(), r.outputLength(),
                    java.nio.charset.StandardCharsets.UTF_8);
            return new Probe(out, types);
        }, false);
    }

    /** Fail closed: from now on submit() refuses every batch and nothing in flight is written. */
    public void stopForwarding(String reason) {
        forwardingStopped = reason;
    }

    public boolean forwarding() {
        return forwardingStopped == null;
    }

    /** Why the pipeline refuses events; inputs retry with backoff. */
    public static final class ForwardingStoppedException extends RuntimeException {
        ForwardingStoppedException(String reason) {
            super("forwarding stopped: " + reason, null, false, false);
        }
    }

    /** Completes when nothing is in flight or waiting (call after the inputs stopped). */
    public Future<Void> drain() {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            if (inFlight == 0 && waiting.isEmpty()) {
                p.complete();
            } else {
                drainWaiters.add(p);
            }
        });
        return p.future();
    }

    public Future<Void> close() {
        return workers.close();
    }

    private void accept(Pending p) {
        if (inFlight < maxInFlight) {
            admit(p);
        } else {
            waiting.add(p);
            waitingCount = waiting.size();
        }
    }

    private void admit(Pending p) {
        inFlight++;
        Lane lane = lanes.computeIfAbsent(p.batch().sourceId(), Lane::new);
        lane.queue.add(p);
        lane.pump();
    }

    private void deliver(Pending p, EventDocs docs) {
        String stopped = forwardingStopped;
        if (stopped != null && p.prepared() == null) {
            finish(p, Future.failedFuture(new ForwardingStoppedException(stopped)));
            return;
        }
        if (docs.docs().isEmpty()) {
            finish(p, Future.succeededFuture());
            return;
        }
        delivery.deliver(docs).onComplete(ar -> finish(p, ar));
    }

    private void finish(Pending p, AsyncResult<Void> result) {
        inFlight--;
        if (p.prepared() == null) {
            // Counted once handed on: an input resubmits a refused batch (back-pressure, a failed write), and counting
            // it at every offer counted the same events again each time (51,200 for 30,000 lines in one outage).
            if (result.succeeded()) {
                long bytes = 0;
                for (RawEvent e : p.batch().events()) {
                    bytes += e.message().length;
                }
                metrics.inputBatch(p.batch().inputId(), p.batch().events().size(), bytes);
            } else {
                metrics.inputRefused(p.batch().inputId(), p.batch().events().size());
            }
        }
        // Before the acknowledgement: whoever sees a batch acknowledged sees its bytes released.
        budget.release(p.charged());
        complete(p, result);
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            admit(waiting.poll());
        }
        waitingCount = waiting.size();
        if (inFlight == 0 && waiting.isEmpty() && !drainWaiters.isEmpty()) {
            drainWaiters.forEach(Promise::complete);
            drainWaiters.clear();
        }
    }

    /** Completes the acknowledgement on the submitting input's own context, as its code expects. */
    private static void complete(Pending p, AsyncResult<Void> result) {
        Runnable done = () -> {
            if (result.succeeded()) {
                p.ack().complete();
            } else {
                p.ack().fail(result.cause());
            }
        };
        if (p.caller() != null) {
            p.caller().runOnContext(v -> done.run());
        } else {
            done.run();
        }
    }

    private void warnRepaired(RawBatch batch, RawEvent e) {
        long now = System.currentTimeMillis();
        long last = lastRepairWarnMs.get();
        if (now - last >= 10_000 && lastRepairWarnMs.compareAndSet(last, now)) {
            // Names the source and position only; the bytes themselves may hold PHI.
            LOG.warn("invalid UTF-8 replaced by U+FFFD input={} source={} position={} (further cases this 10 s: "
                    + "redactd_utf8_repaired_total)", batch.inputId(), batch.sourceId(), e.position());
        }
    }

    /** One batch's results while its events are detected (on one worker thread). */
    private static final class BatchResult {
        final List<byte[]> docs;
        final int[] chainAt;
        final Map<String, Integer> findings = new HashMap<>();
        /**
         * The last field map seen in this batch that holds no split context and whose content values have no finding
         * under the batch's plan: a syslog connection shares one map while its header repeats, so the next event
         * with the same map skips those checks.
         */
        Map<String, Object> lastCleanFieldMap;
        /** The plan the batch's message redactor came from; content values are scanned under it too. */
        DetectionPlan plan;
        int dropAction;
        int errors;

        BatchResult(int events) {
            docs = new ArrayList<>(events);
            chainAt = new int[events];
        }
    }

    /**
     * Runs on a worker thread. Returns the serialized documents of the events that are forwarded.
     *
     * <p>The per-event work is split into {@link #detectEvent} and {@link #writeEvent} on purpose: as one method with
     * its loop, C2 compiled it (redactor and writer inlined, ~64 KB of code) once on-stack and again as a whole, and
     * recompiled it after deoptimizations, which cost seconds of compiler time in a benchmark-length run.
     */
    private EventDocs detect(RawBatch batch) {
        long t0 = System.nanoTime();
        DetectionPlan batchPlan = plan;
        Redactor redactor = redactor(batchPlan);
        EventWriter writer = writers.get();
        List<RawEvent> events = batch.events();
        BatchResult result = new BatchResult(events.size());
        result.plan = batchPlan;
        int n = events.size();
        int i = 0;
        // Two events at a time: the redactor scans both lines in one pass (the portable engine walks them together,
        // cheaper per byte than one after the other); each event is then finished on its own, in order.
        for (; i + 1 < n; i += 2) {
            RawEvent a = events.get(i);
            RawEvent b = events.get(i + 1);
            if (pairable(a, result) && pairable(b, result)) {
                detectPair(batch, a, b, redactor, writer, result);
            } else {
                // Pieces of a split line (rare) go one at a time, each detected with its neighbours' bytes.
                detectEvent(batch, a, redactor, writer, result);
                detectEvent(batch, b, redactor, writer, result);
            }
        }
        if (i < n) {
            detectEvent(batch, events.get(i), redactor, writer, result);
        }
        result.findings.forEach(metrics::findings);
        if (result.dropAction > 0) {
            metrics.dropped("drop_action", result.dropAction);
        }
        if (result.errors > 0) {
            metrics.dropped("detection_error", result.errors);
        }
        metrics.detectionNanos(System.nanoTime() - t0);
        return new EventDocs(result.docs, result.chainAt);
    }

    /** Not a piece of a split line (those are detected one at a time, with their context). */
    private static boolean pairable(RawEvent e, BatchResult result) {
        return e.fields() == result.lastCleanFieldMap || SplitContext.of(e) == null;
    }

    private void detectEvent(RawBatch batch, RawEvent e, Redactor redactor, EventWriter writer, BatchResult result) {
        byte[] msg = repaired(batch, e);
        SplitContext split = e.fields() == result.lastCleanFieldMap ? null : SplitContext.of(e);
        LineResult r;
        try {
            r = split == null ? redactor.redact(msg, 0, msg.length) : redactPiece(redactor, msg, split);
        } catch (RuntimeException ex) {
            failed(batch, e, ex, result);
            return;
        }
        finishEvent(batch, e, msg, r, writer, result);
    }

    /**
     * Two events, each with exactly the outcome {@link #detectEvent} gives it (a failure drops only its own event),
     * from one paired scan. Both messages are repaired before the scan, so a repair warning for {@code b} can come
     * before a detection warning for {@code a}; counts and documents are as one by one.
     */
    private void detectPair(RawBatch batch, RawEvent a, RawEvent b, Redactor redactor, EventWriter writer,
                            BatchResult result) {
        byte[] msgA = repaired(batch, a);
        byte[] msgB = repaired(batch, b);
        LineResult r;
        try {
            r = redactor.redactPair(msgA, 0, msgA.length, msgB, 0, msgB.length);
        } catch (RuntimeException ex) {
            r = null;
            failed(batch, a, ex, result);
        }
        if (r != null) {
            try {
                finishEvent(batch, a, msgA, r, writer, result);
            } catch (RuntimeException | Error ex) {
                redactor.abandonPair(); // the batch fails as a whole; the redactor keeps nothing of b
                throw ex;
            }
        }
        try {
            r = redactor.redactSecond();
        } catch (RuntimeException ex) {
            failed(batch, b, ex, result);
            return;
        }
        finishEvent(batch, b, msgB, r, writer, result);
    }

    /**
     * A piece of a split line: detected over {@code before + piece + after}, redacted within the piece, so a value
     * cut by the split is masked on both sides and counted once (by the piece holding its start).
     */
    private static LineResult redactPiece(Redactor redactor, byte[] msg, SplitContext split) {
        byte[] before = Utf8Repair.repair(split.before());
        byte[] after = Utf8Repair.repair(split.after());
        // A piece near the largest event detection takes keeps what context fits (nearest the cut), rather than
        // making the whole window too large and the piece dropped.
        int room = Math.max(0, LineRedactor.MAX_EVENT_BYTES - msg.length);
        if (before.length + after.length > room) {
            int half = room / 2;
            before = Arrays.copyOfRange(before, before.length - Math.min(before.length, half), before.length);
            after = Arrays.copyOf(after, Math.min(after.length, room - before.length));
        }
        byte[] buf = new byte[before.length + msg.length + after.length];
        System.arraycopy(before, 0, buf, 0, before.length);
        System.arraycopy(msg, 0, buf, before.length, msg.length);
        System.arraycopy(after, 0, buf, before.length + msg.length, after.length);
        return redactor.redactRegion(buf, 0, buf.length, before.length, before.length + msg.length);
    }

    private byte[] repaired(RawBatch batch, RawEvent e) {
        byte[] msg = Utf8Repair.repair(e.message());
        if (msg != e.message()) {
            metrics.repaired();
            warnRepaired(batch, e);
        }
        return msg;
    }

    /** Fail closed: the event is dropped and counted. */
    private static void failed(RawBatch batch, RawEvent e, RuntimeException ex, BatchResult result) {
        result.errors++;
        if (ex instanceof DetectionException) {
            LOG.warn("detection failed, event dropped input={} source_offset={} reason={}",
                    batch.inputId(), e.position(), ex.getMessage());
        } else {
            // A bug in the engine: its message might quote input, so only the class is logged.
            LOG.warn("detection failed, event dropped input={} source_offset={} error={}",
                    batch.inputId(), e.position(), ex.getClass().getName());
        }
    }

    /** Findings, drop action, leak hook and the forwarded document of one detected event. */
    private void finishEvent(RawBatch batch, RawEvent e, byte[] msg, LineResult message, EventWriter writer,
                             BatchResult result) {
        LineResult r = e.fields() == result.lastCleanFieldMap ? message : withContentFindings(e, message, result);
        int found = r.findingCount();
        SortedMap<String, Object> findings = found == 0 ? Collections.emptySortedMap() : findings(r, result);
        FindingsHook hook = findingsHook;
        if (r.dropped()) {
            result.dropAction++;
            if (hook != null) {
                hook.found(batch.inputId(), e, r, null);
            }
            return;
        }
        byte[] out = r.clean() ? msg : Arrays.copyOfRange(r.output(), r.outputOffset(), r.outputOffset() + r.outputLength());
        if (hook != null && found > 0) {
            // Leak alerts: straight to the alert manager, not through outputs or the buffer.
            hook.found(batch.inputId(), e, r, out);
        }
        result.docs.add(writeEvent(batch, e, out, findings, writer, result.plan));
        result.chainAt[result.docs.size() - 1] = writer.chainAt();
    }

    /** The event's counts per type (its {@code redactd.findings}); adds them to the batch's counts too. */
    private static SortedMap<String, Object> findings(LineResult r, BatchResult result) {
        SortedMap<String, Object> findings = new TreeMap<>();
        for (int i = 0; i < r.findingCount(); i++) {
            String type = r.finding(i).type();
            findings.merge(type, 1, (a, b) -> (Integer) a + (Integer) b);
            result.findings.merge(type, 1, Integer::sum);
        }
        return findings;
    }

    /**
     * The message's result plus the findings of the event's {@link ContentValue} fields (scanned now if their value
     * was not scanned under the current plan yet), or the message's result alone when those fields are clean.
     */
    private LineResult withContentFindings(RawEvent e, LineResult message, BatchResult result) {
        ContentFindings found = null;
        DetectionPlan current = result.plan;
        boolean split = false;
        for (Object v : e.fields().values()) {
            if (v instanceof SplitContext) {
                split = true;
            } else if (v instanceof ContentValue c) {
                // A sender's header repeats: its values were scanned under this plan already (no thread-local then).
                ContentValue.Redaction r = c.scannedUnder(current);
                if (r == null) {
                    WorkerRedactor w = fieldRedactor(current);
                    r = c.redaction(w.plan(), w.redactor());
                    if (r.failed()) {
                        // Fail closed (the value is withheld), and said: never with the value.
                        withheldLog.log(n -> LOG.warn("a field value could not be scanned and is forwarded as {} "
                                + "({} similar suppressed)", ContentValue.WITHHELD, n));
                    }
                }
                if (r.found()) {
                    if (found == null) {
                        found = new ContentFindings();
                    }
                    found.add(r);
                }
            }
        }
        if (found == null && !split) {
            result.lastCleanFieldMap = e.fields();
        }
        return found == null ? message : found.with(message);
    }

    @Override
    public String shown(String text) {
        if (text == null) {
            return null;
        }
        synchronized (shownTexts) {
            DetectionPlan current = plan;
            if (shownRedactor == null || shownRedactor.plan() != current) {
                shownRedactor = new WorkerRedactor(current, current.newRedactor());
                shownTexts.clear();
            }
            return shownTexts.computeIfAbsent(text, t -> {
                try {
                    return new ContentValue(t).redaction(shownRedactor.plan(), shownRedactor.redactor()).text();
                } catch (RuntimeException e) {
                    return ContentValue.WITHHELD;
                }
            });
        }
    }

    /**
     * A second redactor per worker, for {@link ContentValue} fields: the first may be between the two halves of a
     * paired scan when an event's fields are scanned.
     */
    private WorkerRedactor fieldRedactor(DetectionPlan current) {
        WorkerRedactor w = fieldRedactors.get();
        if (w == null || w.plan() != current) {
            w = new WorkerRedactor(current, current.newRedactor());
            fieldRedactors.set(w);
        }
        return w;
    }

    /** The forwarded document: the pipeline's fields, then the input's, in canonical JSON. */
    private byte[] writeEvent(RawBatch batch, RawEvent e, byte[] out, SortedMap<String, Object> findings,
                              EventWriter writer, DetectionPlan plan) {
        // RFC 5424 structured data: parsed from the redacted bytes only, so its values are as redacted as the text.
        SyslogStructuredData.Split sd = e.fields().get(SyslogStructuredData.FIELD) == SyslogStructuredData.PREFIXED
                ? SyslogStructuredData.split(out) : null;
        Object sender = e.fields().get("host.name");
        writer.begin()
                .core("@timestamp", writer.timestamp(e.timestampMs()))
                // A HEC sender's host, when it names one (redacted like any content value); else this host.
                .core("host.name", sender == null ? hostName : jsonValue(sender, plan))
                .core("message", Utf8Text.of(sd == null ? out : sd.text()))
                .core("redactd.findings", findings);
        if (sd != null) {
            writer.field(SyslogStructuredData.FIELD, sd.elements());
        }
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            if (f.getValue() == SyslogStructuredData.PREFIXED || f.getValue() instanceof SplitContext
                    || sender != null && f.getValue() == sender) {
                // Markers, not fields (a split piece's context is raw bytes); the sender's host went to host.name.
                continue;
            }
            if (!writer.field(f.getKey(), jsonValue(f.getValue(), plan))) {
                // Not the name: an HTTP or JSON event's field names are event content and may hold a value.
                LOG.debug("field skipped (its path conflicts with another field's) input={}", batch.inputId());
            }
        }
        if (!writer.has("event.dataset")) {
            writer.field("event.dataset", batch.inputId());
        }
        return writer.finish();
    }

    /** {@code plan}: the batch's, so a content value's text matches the findings counted for it, even mid-reload. */
    private static Object jsonValue(Object v, DetectionPlan plan) {
        if (v == null || v instanceof String || v instanceof Long || v instanceof Integer || v instanceof Boolean) {
            return v;
        }
        if (v instanceof ContentValue c) {
            ContentValue.Redaction r = c.scannedUnder(plan);
            return r != null ? r.text() : c.redacted();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(x -> jsonValue(x, plan)).toList();
        }
        return String.valueOf(v);
    }
}
