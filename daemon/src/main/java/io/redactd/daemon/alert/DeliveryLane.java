package io.redactd.daemon.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One target's deliveries: a bounded queue and up to {@code maxInFlight} attempts at once, each failed attempt
 * retried with its own exponential backoff. A retry waits behind the alerts raised meanwhile, so one alert a target
 * keeps failing never holds up the next (before 2026-12-07 delivery was strictly serial: a hanging webhook delayed
 * every later alert by a whole timeout per attempt). When the queue is full the oldest waiting alert is dropped and
 * counted, so a dead target never holds memory or the pipeline. Runs on the alert manager's context.
 */
final class DeliveryLane {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLane.class);

    /** An alert and how many attempts it has had. */
    private static final class Pending {
        final Alert alert;
        int attempts;

        Pending(Alert alert) {
            this.alert = alert;
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final AlertTarget target;
    private final int capacity;
    private final int maxInFlight;
    private final long initialMs;
    private final long maxMs;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final Set<Long> retryTimers = new HashSet<>();
    private final Counter sent;
    private final Counter failures;
    private final Counter dropped;
    private final Counter undelivered;
    private final List<Promise<Void>> idle = new ArrayList<>();
    private int inFlight;
    private boolean closed;
    private volatile boolean failing;
    private volatile long failureCount;

    DeliveryLane(Vertx vertx, Context context, AlertTarget target, int capacity, int maxInFlight, Duration initial,
                 Duration max, MeterRegistry registry) {
        this.vertx = vertx;
        this.context = context;
        this.target = target;
        this.capacity = capacity;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.sent = Counter.builder("redactd.alerts.sent").description("Alerts delivered, by target")
                .tag("target", target.id()).register(registry);
        this.failures = Counter.builder("redactd.alert.delivery.failures")
                .description("Failed alert delivery attempts (each retry counts), by target")
                .tag("target", target.id()).register(registry);
        this.dropped = Counter.builder("redactd.alert.delivery.dropped")
                .description("Alerts given up on: queue full (oldest dropped) or rejected permanently, by target")
                .tag("target", target.id()).register(registry);
        this.undelivered = Counter.builder("redactd.alert.delivery.undelivered")
                .description("Alerts still queued, in flight or waiting for a retry when the daemon stopped, by target")
                .tag("target", target.id()).register(registry);
    }

    String id() {
        return target.id();
    }

    /** True while the last attempt failed: /readyz shows the target as degraded. */
    boolean failing() {
        return failing;
    }

    long failureCount() {
        return failureCount;
    }

    /** Call on the manager's context. */
    void enqueue(Alert a) {
        add(new Pending(a));
        pump();
    }

    private void add(Pending p) {
        if (closed) {
            undelivered.increment();
            return;
        }
        if (waiting.size() >= capacity) {
            waiting.poll();
            dropped.increment();
            LOG.warn("alert target={} queue full ({}): oldest alert dropped", target.id(), capacity);
        }
        waiting.add(p);
    }

    private void pump() {
        while (!closed && inFlight < maxInFlight && !waiting.isEmpty()) {
            attempt(waiting.poll());
        }
        if (inFlight == 0 && waiting.isEmpty() && retryTimers.isEmpty()) {
            idle.forEach(Promise::tryComplete);
            idle.clear();
        }
    }

    private void attempt(Pending p) {
        inFlight++;
        p.attempts++;
        Future<Void> f;
        try {
            f = target.send(p.alert);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> context.runOnContext(v -> {
            inFlight--;
            if (closed) {
                return; // counted as undelivered by close() if it failed; a late success is simply not counted
            }
            if (ar.succeeded()) {
                sent.increment();
                failing = false;
            } else {
                failed(p, ar.cause());
            }
            pump();
        }));
    }

    private void failed(Pending p, Throwable cause) {
        failures.increment();
        failureCount++;
        failing = true;
        // Only a DeliveryException's message is logged: targets build it from ids, status and host:port. Anything
        // else (a client library's message) may quote the URL, and a Slack webhook's URL is its credential.
        String why = cause instanceof AlertTarget.DeliveryException d ? d.getMessage() : cause.getClass().getSimpleName();
        if (cause instanceof AlertTarget.DeliveryException d && d.permanent()) {
            LOG.error("alert target={} rejected alert id={} permanently: {}", target.id(), p.alert.id(), why);
            dropped.increment();
            return;
        }
        long delay = Math.min(maxMs, initialMs << Math.min(p.attempts - 1, 20));
        LOG.warn("alert target={} delivery of alert id={} failed (attempt {}): {}; retrying in {} ms", target.id(),
                p.alert.id(), p.attempts, why, delay);
        long[] id = new long[1];
        id[0] = vertx.setTimer(delay, t -> context.runOnContext(v -> {
            if (retryTimers.remove(id[0])) {
                add(p); // behind what was raised meanwhile
                pump();
            }
        }));
        retryTimers.add(id[0]);
    }

    /** Completes once nothing is queued, in flight or waiting for a retry; callers bound the wait. */
    Future<Void> idle() {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            idle.add(p);
            pump();
        });
        return p.future();
    }

    /**
     * Stops delivering and closes the target. What was still queued, in flight or waiting for a retry is logged as a
     * count and counted in {@code redactd_alert_delivery_undelivered_total{target}}: the alerts themselves are in the
     * event stream, but an operator must be able to tell that notifications did not go out.
     */
    Future<Void> close() {
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            if (!closed) {
                closed = true;
                retryTimers.forEach(vertx::cancelTimer);
                long lost = (long) waiting.size() + inFlight + retryTimers.size();
                retryTimers.clear();
                waiting.clear();
                if (lost > 0) {
                    undelivered.increment(lost);
                    LOG.warn("alert target={}: {} alert(s) not delivered before shutdown (queued, in flight or waiting"
                            + " for a retry)", target.id(), lost);
                }
                idle.forEach(Promise::tryComplete);
                idle.clear();
            }
            stopped.complete();
        });
        return stopped.future().compose(v -> target.close());
    }
}
