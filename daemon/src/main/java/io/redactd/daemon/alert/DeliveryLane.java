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

/**
 * One target's bounded queue: one alert in flight, retried with exponential backoff until it is delivered. When the
 * queue is full the oldest waiting alert is dropped and counted, so a dead target never holds memory or the
 * pipeline. Runs on the alert manager's context.
 */
final class DeliveryLane {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLane.class);

    private final Vertx vertx;
    private final Context context;
    private final AlertTarget target;
    private final int capacity;
    private final long initialMs;
    private final long maxMs;
    private final ArrayDeque<Alert> queue = new ArrayDeque<>();
    private final Counter sent;
    private final Counter failures;
    private final Counter dropped;
    private boolean busy;
    private int attempt;
    private long timer = -1;
    private volatile boolean failing;
    private volatile long failureCount;
    private Promise<Void> idle;

    DeliveryLane(Vertx vertx, Context context, AlertTarget target, int capacity, Duration initial, Duration max,
                 MeterRegistry registry) {
        this.vertx = vertx;
        this.context = context;
        this.target = target;
        this.capacity = capacity;
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
        if (queue.size() >= capacity) {
            queue.poll();
            dropped.increment();
            LOG.warn("alert target={} queue full ({}): oldest alert dropped", target.id(), capacity);
        }
        queue.add(a);
        if (!busy) {
            next();
        }
    }

    private void next() {
        Alert a = queue.peek();
        if (a == null) {
            busy = false;
            if (idle != null) {
                idle.tryComplete();
                idle = null;
            }
            return;
        }
        busy = true;
        Future<Void> f;
        try {
            f = target.send(a);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> context.runOnContext(v -> {
            if (ar.succeeded()) {
                sent.increment();
                attempt = 0;
                failing = false;
                queue.poll();
                next();
                return;
            }
            failures.increment();
            failureCount++;
            failing = true;
            if (ar.cause() instanceof AlertTarget.DeliveryException d && d.permanent()) {
                LOG.error("alert target={} rejected alert id={} permanently: {}", target.id(), a.id(), d.getMessage());
                dropped.increment();
                attempt = 0;
                queue.poll();
                next();
                return;
            }
            long delay = Math.min(maxMs, initialMs << Math.min(attempt, 20));
            attempt++;
            LOG.warn("alert target={} delivery failed (attempt {}): {}; retrying in {} ms", target.id(), attempt,
                    ar.cause().getMessage(), delay);
            timer = vertx.setTimer(delay, t -> {
                timer = -1;
                next();
            });
        }));
    }

    /** Completes once the queue is empty; a target that keeps failing never empties it, so callers bound the wait. */
    Future<Void> idle() {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            if (!busy && queue.isEmpty()) {
                p.complete();
            } else {
                idle = p;
            }
        });
        return p.future();
    }

    Future<Void> close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        return target.close();
    }
}
