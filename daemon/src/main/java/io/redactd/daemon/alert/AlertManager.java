package io.redactd.daemon.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.daemon.config.AlertsConfig;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.detectors.LineResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The alert path beside the pipeline. Detection workers hand findings over through a bounded queue (never
 * blocking; overflow is counted per type and reported in the next storm summary); everything else runs on one
 * Vert.x context:
 * <ul>
 *   <li>the first finding of a (source, type) pair alerts at once and opens a window;</li>
 *   <li>findings of the pair within the window fold into one summary alert at the window's end, with counts;</li>
 *   <li>every alert takes a token from a global bucket; without one it folds into a storm summary, sent once per
 *       window with counts per type and the number of sources. Nothing is dropped silently:
 *       {@code redactd_alerts_folded_total{reason}} counts folded findings.</li>
 * </ul>
 * Each alert goes to every target's {@link DeliveryLane} and, as an {@code event.kind: alert} event, into the
 * event stream.
 */
public final class AlertManager implements FindingsHook {
    private static final Logger LOG = LoggerFactory.getLogger(AlertManager.class);

    private final Vertx vertx;
    private final Context context;
    private final String host;
    // Policy, window and rate limit are replaced on reload (SIGHUP); read and written only on the manager's context.
    private AlertPolicy policy;
    private long windowMs;
    private TokenBucket bucket;
    private long ticker;
    /** Read by the detection workers. */
    private volatile int lineLimit;
    private final List<DeliveryLane> lanes;
    private final AlertEventSink events;
    private final ArrayBlockingQueue<FindingReport> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Map<String, LongAdder> overflow = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new HashMap<>();
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private Storm storm;
    private volatile long eventStreamFailures;

    /** Folded findings of one (source, type) pair during a window. */
    private static final class Window {
        final AlertSource source;
        final String type;
        final long start;
        final long end;
        long folded;
        final TreeSet<String> detectors = new TreeSet<>();
        AlertLocation lastWhere;
        String lastLine;
        List<String> lastTokens = List.of();

        Window(AlertSource source, String type, long start, long end) {
            this.source = source;
            this.type = type;
            this.start = start;
            this.end = end;
        }
    }

    /** Alerts the rate limit folded, across sources, since the last storm summary. */
    private static final class Storm {
        final long start;
        final TreeMap<String, Long> counts = new TreeMap<>();
        final TreeSet<String> detectors = new TreeSet<>();
        final Set<String> sources = new HashSet<>();
        Severity severity = Severity.INFO;

        Storm(long start) {
            this.start = start;
        }
    }

    public AlertManager(Vertx vertx, AlertsConfig config, String host, List<AlertTarget> targets, AlertEventSink events,
                        MeterRegistry registry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.host = host;
        this.policy = new AlertPolicy(config);
        this.windowMs = config.windowDuration().toMillis();
        this.lineLimit = config.lineLimit();
        this.events = events;
        this.registry = registry;
        this.queue = new ArrayBlockingQueue<>(config.queue());
        this.bucket = new TokenBucket(config.ratePerSecond(), config.burst(), System.nanoTime());
        List<DeliveryLane> ls = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            AlertTarget t = targets.get(i);
            AlertTargetConfig tc = config.targets().get(i);
            ls.add(new DeliveryLane(vertx, context, t, tc.queue(), tc.maxInFlight(), tc.retryInitialDuration(),
                    tc.retryMaxDuration(), registry));
        }
        this.lanes = List.copyOf(ls);
        Gauge.builder("redactd.alerts.queue", queue, ArrayBlockingQueue::size)
                .description("Findings waiting for the alert manager").register(registry);
        this.ticker = startTicker(windowMs);
    }

    /** Windows close on a tick: one timer for all pairs, a tenth of the window (10 ms .. 1 s). */
    private long startTicker(long window) {
        long tick = Math.max(10, Math.min(1000, window / 10));
        return vertx.setPeriodic(tick, t -> context.runOnContext(v -> tick()));
    }

    /**
     * Reload (SIGHUP): the source rules, severities, window, rate limit and line limit of {@code config} apply to every
     * finding handled from now on. Open windows keep the end they were opened with, so nothing already folded is lost
     * or reported twice. Targets, queue size and canary are fixed at start; {@link #restartNeeded} names them.
     */
    public Future<Void> reload(AlertsConfig config) {
        AlertPolicy next = new AlertPolicy(config);
        long window = config.windowDuration().toMillis();
        TokenBucket nextBucket = new TokenBucket(config.ratePerSecond(), config.burst(), System.nanoTime());
        return Future.future(p -> context.runOnContext(v -> {
            drain(); // findings queued before the reload are judged by the policy they were raised under
            policy = next;
            lineLimit = config.lineLimit();
            bucket = nextBucket;
            if (window != windowMs) {
                windowMs = window;
                vertx.cancelTimer(ticker);
                ticker = startTicker(window);
            }
            p.complete();
        }));
    }

    /** The settings of {@code next} that differ from {@code current} and only take effect at a restart. */
    public static List<String> restartNeeded(AlertsConfig current, AlertsConfig next) {
        List<String> out = new ArrayList<>();
        if (!current.enabled().equals(next.enabled())) {
            out.add("alerts.enabled");
        }
        if (!current.targets().equals(next.targets())) {
            out.add("alerts.targets");
        }
        if (!current.queue().equals(next.queue())) {
            out.add("alerts.queue");
        }
        if (!current.canary().equals(next.canary())) {
            out.add("alerts.canary");
        }
        return out;
    }

    /** The targets of an {@code alerts:} section, built at start; throws IllegalArgumentException on a bad secret. */
    public static List<AlertTarget> targets(Vertx vertx, AlertsConfig config, Map<String, String> env) {
        List<AlertTarget> out = new ArrayList<>();
        for (int i = 0; i < config.targets().size(); i++) {
            AlertTargetConfig t = config.targets().get(i);
            String id = t.id() == null ? t.type() + "_" + i : t.id();
            out.add(t.http() ? new HttpAlertTarget(id, vertx, t, env) : new SyslogAlertTarget(id, vertx, t));
        }
        return out;
    }

    // ---- worker threads ----

    @Override
    public void found(String inputId, RawEvent event, LineResult result, byte[] redacted) {
        FindingReport r = FindingReport.of(inputId, event.timestampMs(), event.fields(), result, redacted, lineLimit);
        if (!queue.offer(r)) {
            // Never wait: count it; the next storm summary reports it.
            r.counts().forEach((type, n) -> overflow.computeIfAbsent(type, k -> new LongAdder()).add(n));
            folded("queue_full", r.counts().values().stream().mapToLong(Long::longValue).sum());
        }
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    // ---- the manager's context ----

    private void drain() {
        drainScheduled.set(false);
        FindingReport r;
        while ((r = queue.poll()) != null) {
            handle(r, System.currentTimeMillis());
        }
    }

    private void handle(FindingReport r, long now) {
        TreeMap<String, Long> fresh = new TreeMap<>();
        TreeSet<String> freshDetectors = new TreeSet<>();
        for (Map.Entry<String, Long> e : r.counts().entrySet()) {
            String type = e.getKey();
            long n = e.getValue();
            if (!policy.isLeak(r.source(), type)) {
                counter("redactd.alerts.expected.findings", "type", type,
                        "Findings in sources where PHI is expected: counted, not alerted").increment(n);
                continue;
            }
            String key = r.source().key() + '\u0000' + type;
            Window w = windows.get(key);
            if (w == null) {
                windows.put(key, new Window(r.source(), type, now, now + windowMs));
                fresh.put(type, n);
                freshDetectors.addAll(r.detectors().get(type));
            } else {
                w.folded += n;
                w.detectors.addAll(r.detectors().get(type));
                w.lastWhere = r.where();
                w.lastLine = r.redactedLine();
                w.lastTokens = r.tokens();
                folded("window", n);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        long count = fresh.values().stream().mapToLong(Long::longValue).sum();
        Severity sev = severity(fresh.keySet());
        String summary = "PHI leak: " + String.join(", ", fresh.keySet()) + " in " + r.source().label()
                + " on " + host + (r.redactedLine() == null ? " (event dropped by policy)" : "");
        Alert a = new Alert(UUID.randomUUID().toString(), Instant.ofEpochMilli(now), Alert.Kind.LEAK, host, sev,
                r.source(), fresh, count, r.where(), List.copyOf(freshDetectors), r.redactedLine(), r.tokens(),
                null, null, summary, 1);
        emitLimited(a);
    }

    private void tick() {
        long now = System.currentTimeMillis();
        // Close expired windows, one summary per source.
        Map<String, List<Window>> closed = new HashMap<>();
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (w.end <= now) {
                it.remove();
                if (w.folded > 0) {
                    closed.computeIfAbsent(w.source.key(), k -> new ArrayList<>()).add(w);
                }
            }
        }
        for (List<Window> ws : closed.values()) {
            emitLimited(summary(ws));
        }
        long lost = 0;
        TreeMap<String, Long> overflowed = new TreeMap<>();
        for (Map.Entry<String, LongAdder> e : overflow.entrySet()) {
            long n = e.getValue().sumThenReset();
            if (n > 0) {
                overflowed.put(e.getKey(), n);
                lost += n;
            }
        }
        if (lost > 0) {
            Storm s = storm(now);
            overflowed.forEach((t, n) -> s.counts.merge(t, n, Long::sum));
            s.severity = s.severity.max(severity(overflowed.keySet()));
        }
        if (storm != null && now - storm.start >= windowMs) {
            emitStorm(now);
        }
    }

    private Alert summary(List<Window> ws) {
        Window first = ws.get(0);
        TreeMap<String, Long> counts = new TreeMap<>();
        TreeSet<String> detectors = new TreeSet<>();
        long start = Long.MAX_VALUE;
        long end = 0;
        Window latest = first;
        for (Window w : ws) {
            counts.put(w.type, w.folded);
            detectors.addAll(w.detectors);
            start = Math.min(start, w.start);
            end = Math.max(end, w.end);
            if (w.lastWhere != null) {
                latest = w;
            }
        }
        long count = counts.values().stream().mapToLong(Long::longValue).sum();
        String summary = "PHI leak continues: " + count + " more finding" + (count == 1 ? "" : "s") + " ("
                + counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).reduce((x, y) -> x + ", " + y).orElse("")
                + ") in " + first.source.label() + " on " + host + " within " + windowMs + " ms";
        return new Alert(UUID.randomUUID().toString(), Instant.ofEpochMilli(end), Alert.Kind.SUMMARY, host,
                severity(counts.keySet()), first.source, counts, count, latest.lastWhere, List.copyOf(detectors),
                latest.lastLine, latest.lastTokens, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), summary, 1);
    }

    private Storm storm(long now) {
        if (storm == null) {
            storm = new Storm(now);
        }
        return storm;
    }

    /** Sends if the bucket has a token; otherwise folds the alert into the storm summary. */
    private void emitLimited(Alert a) {
        if (bucket.tryTake(System.nanoTime())) {
            emit(a);
            return;
        }
        Storm s = storm(a.timestamp().toEpochMilli());
        a.counts().forEach((t, n) -> s.counts.merge(t, n, Long::sum));
        s.detectors.addAll(a.detectors());
        if (a.source() != null) {
            s.sources.add(a.source().key());
        }
        s.severity = s.severity.max(a.severity());
        folded("rate_limit", a.count());
    }

    private void emitStorm(long now) {
        Storm s = storm;
        storm = null;
        long count = s.counts.values().stream().mapToLong(Long::longValue).sum();
        String summary = "PHI leak storm on " + host + ": " + count + " findings folded by the alert rate limit or a full"
                + " alert queue across " + s.sources.size() + " source" + (s.sources.size() == 1 ? "" : "s") + " ("
                + s.counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).reduce((x, y) -> x + ", " + y).orElse("")
                + ")";
        emit(new Alert(UUID.randomUUID().toString(), Instant.ofEpochMilli(now), Alert.Kind.STORM, host, s.severity,
                null, s.counts, count, null, List.copyOf(s.detectors), null, List.of(), Instant.ofEpochMilli(s.start),
                Instant.ofEpochMilli(now), summary, s.sources.size()));
    }

    /** An alert outside the leak policy (the canary): not rate-limited. Any thread. */
    public void raise(Alert a) {
        context.runOnContext(v -> emit(a));
    }

    private void emit(Alert a) {
        counter("redactd.alerts", "kind", a.kind().wire(), "Alerts raised, by kind").increment();
        LOG.warn("alert id={} kind={} severity={} types={} count={} source={}", a.id(), a.kind().wire(),
                a.severity().wire(), a.types(), a.count(), a.source() == null ? "-" : a.source().label());
        for (DeliveryLane l : lanes) {
            l.enqueue(a);
        }
        if (events != null) {
            byte[] doc = AlertPayloads.event(a).toCanonicalJson();
            events.submitAlertEvent(doc).onFailure(e -> {
                eventStreamFailures++;
                counter("redactd.alert.delivery.failures", "target", "event_stream",
                        "Failed alert delivery attempts (each retry counts), by target").increment();
                LOG.error("alert id={} not written to the event stream: {}", a.id(), e.getMessage());
            });
        }
    }

    private Severity severity(Set<String> types) {
        Severity s = Severity.INFO;
        for (String t : types) {
            s = s.max(policy.severity(t));
        }
        return s;
    }

    private void folded(String reason, long n) {
        counter("redactd.alerts.folded", "reason", reason,
                "Findings folded into summary alerts instead of alerting one by one, by reason").increment(n);
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + '\0' + value, k -> Counter.builder(name).description(description)
                .tag(tag, value).register(registry));
    }

    public String host() {
        return host;
    }

    /** Targets whose last delivery failed, for /readyz. */
    public List<String> degraded() {
        List<String> out = new ArrayList<>();
        for (DeliveryLane l : lanes) {
            if (l.failing()) {
                out.add("alert target " + l.id() + " failing (" + l.failureCount() + " failed attempts)");
            }
        }
        if (eventStreamFailures > 0) {
            out.add("alert events not written to the event stream (" + eventStreamFailures + " failures)");
        }
        return out;
    }

    /** Flushes open windows and the storm summary, waits (bounded by the caller) for queued deliveries. */
    public Future<Void> stop() {
        return Future.<Void>future(p -> context.runOnContext(v -> {
            vertx.cancelTimer(ticker);
            drain();
            for (Window w : windows.values()) {
                // Close every window now so folded findings are reported before exit.
                if (w.folded > 0) {
                    emit(summary(List.of(w)));
                }
            }
            windows.clear();
            if (storm != null) {
                emitStorm(System.currentTimeMillis());
            }
            p.complete();
        })).compose(v -> Future.join(lanes.stream().map(DeliveryLane::idle).toList()).mapEmpty());
    }

    public Future<Void> close() {
        return Future.join(lanes.stream().map(DeliveryLane::close).toList()).mapEmpty();
    }
}
