package io.redactd.daemon.tls;

import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A test pipeline that records every batch. Acknowledges at once, or, when {@link #hold} is on, keeps the
 * acknowledgements back until {@link #release} so tests can fill the pipeline.
 */
public final class RecordingSink implements EventSink {
    private final List<RawBatch> batches = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Promise<Void>> held = new ConcurrentLinkedQueue<>();
    private volatile boolean hold;
    private volatile int maxHeld;

    @Override
    public Future<Void> submit(RawBatch batch) {
        threads.add(Thread.currentThread().getName());
        batches.add(batch);
        if (!hold) {
            return Future.succeededFuture();
        }
        Promise<Void> promise = Promise.promise();
        held.add(promise);
        maxHeld = Math.max(maxHeld, held.size());
        return promise.future();
    }

    public void hold(boolean hold) {
        this.hold = hold;
    }

    public int heldCount() {
        return held.size();
    }

    /** The most acknowledgements ever outstanding at once. */
    public int maxHeld() {
        return maxHeld;
    }

    public void release() {
        Promise<Void> p;
        while ((p = held.poll()) != null) {
            p.complete();
        }
    }

    /** Names of the threads batches were submitted from. */
    public java.util.Set<String> submittingThreads() {
        return threads;
    }

    public List<RawBatch> batches() {
        return batches;
    }

    public List<RawEvent> events() {
        return batches.stream().flatMap(b -> b.events().stream()).toList();
    }

    public List<String> messages() {
        return events().stream().map(e -> new String(e.message(), StandardCharsets.UTF_8)).toList();
    }

    public List<String> awaitMessages(int count, Duration timeout) {
        await(() -> events().size() >= count, timeout, "expected " + count + " events, got " + events().size());
        return messages();
    }

    /** Polls a condition until it holds or the deadline passes (no fixed sleeps). */
    public static void await(BooleanSupplier condition, Duration timeout, String failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + failure);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
