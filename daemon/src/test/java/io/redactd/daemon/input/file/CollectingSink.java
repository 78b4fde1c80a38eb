package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test {@link EventSink}: records every event it accepts and either acknowledges at once or holds the
 * acknowledgement until {@link #release()}. {@link #kill()} makes it behave like a crashed process: later batches
 * are neither recorded nor acknowledged.
 */
final class CollectingSink implements EventSink {

    private final List<RawEvent> events = new CopyOnWriteArrayList<>();
    private final List<Promise<Void>> held = new ArrayList<>();
    private volatile boolean holding;
    private volatile boolean dead;
    private volatile int batches;
    private final long ackDelayMs;
    private static final java.util.concurrent.ScheduledExecutorService DELAYS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "collecting-sink-acks");
                t.setDaemon(true);
                return t;
            });

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
        Promise<Void> ack = Promise.promise();
        if (holding) {
            held.add(ack);
        } else if (ackDelayMs > 0) {
            DELAYS.schedule(() -> {
                if (!dead) {
                    ack.complete();
                }
            }, ackDelayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
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

    int batches() {
        return batches;
    }

    List<RawEvent> events() {
        return events;
    }

    List<String> messages() {
        List<String> out = new ArrayList<>(events.size());
        for (RawEvent e : events) {
            out.add(new String(e.message(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }
}
