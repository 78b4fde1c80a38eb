package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A test {@link EventSink}: records every event it accepts and either acknowledges at once, after a delay, or holds
 * the acknowledgement until {@link #release()}. {@link #kill()} makes it behave like a crashed process: later batches
 * are neither recorded nor acknowledged, nor are delayed acknowledgements still pending.
 */
final class CollectingSink implements EventSink {

    private static final ScheduledExecutorService DELAYS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "collecting-sink-acks");
        t.setDaemon(true);
        return t;
    });

    private final List<RawEvent> events = new ArrayList<>();
    private final List<String> sourceIds = new ArrayList<>();
    private final List<Promise<Void>> held = new ArrayList<>();
    private final long ackDelayMs;
    private boolean holding;
    private volatile boolean dead;
    private int batches;

    CollectingSink(boolean holding) {
        this(holding, 0);
    }

    private CollectingSink(boolean holding, long ackDelayMs) {
        this.holding = holding;
        this.ackDelayMs = ackDelayMs;
    }

    /** A slow pipeline: each batch is acknowledged {@code ms} after it was submitted. */
    static CollectingSink delayed(long ms) {
        return new CollectingSink(false, ms);
    }

    @Override
    public synchronized Future<Void> submit(RawBatch batch) {
        if (dead) {
            return Promise.<Void>promise().future();
        }
        batches++;
        events.addAll(batch.events());
        sourceIds.addAll(Collections.nCopies(batch.events().size(), batch.sourceId()));
        Promise<Void> ack = Promise.promise();
        if (holding) {
            held.add(ack);
        } else if (ackDelayMs > 0) {
            DELAYS.schedule(() -> {
                if (!dead) {
                    ack.complete();
                }
            }, ackDelayMs, TimeUnit.MILLISECONDS);
        } else {
            ack.complete();
        }
        return ack.future();
    }

    /** Acknowledges everything held and everything from now on. */
    void release() {
        List<Promise<Void>> toComplete;
        synchronized (this) {
            holding = false;
            toComplete = new ArrayList<>(held);
            held.clear();
        }
        toComplete.forEach(Promise::complete);
    }

    synchronized void kill() {
        dead = true;
    }

    synchronized int heldBatches() {
        return held.size();
    }

    synchronized int batches() {
        return batches;
    }

    synchronized int count() {
        return events.size();
    }

    /** A snapshot of the events received so far, in order. */
    synchronized List<RawEvent> events() {
        return new ArrayList<>(events);
    }

    /** Events received from index {@code from} on. */
    synchronized List<RawEvent> eventsFrom(int from) {
        return new ArrayList<>(events.subList(Math.min(from, events.size()), events.size()));
    }

    /** The {@link RawBatch#sourceId()} of each event, parallel to {@link #events()}. */
    synchronized List<String> sourceIds() {
        return new ArrayList<>(sourceIds);
    }

    List<String> messages() {
        List<String> out = new ArrayList<>();
        for (RawEvent e : events()) {
            out.add(new String(e.message(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
