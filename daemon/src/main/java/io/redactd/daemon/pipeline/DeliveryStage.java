package io.redactd.daemon.pipeline;

import io.redactd.daemon.integrity.HashChain;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline's last step: links detected batches into the integrity chain and writes them to the outputs (in the
 * daemon, the single buffered fan-out). Runs on the pipeline's context.
 *
 * <p>With a chain, writes go one group at a time: every batch waiting is linked and written as one batch. Once a
 * write is durable, the chain's state (then exactly what the buffer holds) becomes the head to commit; commits run
 * one at a time on a worker (fsync) while the next group is already linked and written, and each commit acknowledges,
 * in order, every batch written before its snapshot. So the committed head never names an event that is not durable
 * (no gap after a crash), an acknowledged input position is never ahead of the head, and under load many batches
 * share one head fsync without the write path waiting for it. Chain control events (a {@code chain_restart}, due
 * checkpoints) are polled before and after every batch and on a timer while idle.
 *
 * <p>Without a chain, batches are written as they come, in order.
 */
public final class DeliveryStage {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStage.class);

    private final Vertx vertx;
    private final long controlTickMs;
    private final List<Output> outputs;
    private final HashChain chain;
    private final WorkerExecutor committer;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private final Promise<Void> closed = Promise.promise();
    private Context context;
    private PipelineMetrics metrics;
    private long timerId = -1;
    private boolean closing;
    /** A group's write to the outputs is in flight (one at a time, so the buffer keeps chain order). */
    private boolean writing;
    /** A head commit is in flight (one at a time). */
    private boolean committing;
    /** The newest durable head not yet committed, or null. */
    private HashChain.PendingCommit durable;
    /** Groups written (or failed), resolved in order once a commit covers them. */
    private List<Unacked> awaitingCommit = new ArrayList<>();
    /** The final checkpoint (on close) is written. */
    private boolean finalWritten;
    /** A write or commit that failed while closing: close() reports it. */
    private Throwable closeFailure;

    private record Waiting(EventDocs docs, Promise<Void> done) {
    }

    /** A batch written (failure null) or whose write failed, awaiting its acknowledgement in order. */
    private record Unacked(Waiting waiting, Throwable failure) {
    }

    /**
     * @param chain the integrity chain (recovered from the buffer already), or null when integrity is off
     */
    public DeliveryStage(Vertx vertx, List<Output> outputs, HashChain chain, long controlTickMs) {
        this.vertx = vertx;
        this.controlTickMs = controlTickMs;
        this.outputs = List.copyOf(outputs);
        this.chain = chain;
        this.committer = chain == null ? null : vertx.createSharedWorkerExecutor("redactd-chain-commit", 1);
    }

    /** Without a chain (tests, integrity off). */
    public static DeliveryStage unchained(Vertx vertx, List<Output> outputs) {
        return new DeliveryStage(vertx, outputs, null, 0);
    }

    /** Called once by the pipeline: the stage runs on the pipeline's context. */
    void bind(Context pipelineContext, PipelineMetrics metrics) {
        this.context = pipelineContext;
        this.metrics = metrics;
        if (chain != null) {
            context.runOnContext(v -> timerId = vertx.setPeriodic(Math.max(10, controlTickMs), id -> pump()));
        }
    }

    List<Output> outputs() {
        return outputs;
    }

    /** On the pipeline context. Completes when the documents are written (and, chained, the head committed). */
    Future<Void> deliver(List<byte[]> docs) {
        return deliver(EventDocs.of(docs));
    }

    Future<Void> deliver(EventDocs docs) {
        if (chain == null) {
            return write(docs.docs());
        }
        Promise<Void> done = Promise.promise();
        queue.add(new Waiting(docs, done));
        pump();
        return done.future();
    }

    /**
     * Seals the stream (a final checkpoint, if a key exists and events are unsealed) and commits the head. Call after
     * the pipeline drained; completes once that is durable.
     */
    public Future<Void> close() {
        if (chain == null) {
            return Future.succeededFuture();
        }
        context.runOnContext(v -> {
            closing = true;
            vertx.cancelTimer(timerId);
            pump();
        });
        return closed.future().eventually(() -> committer.close());
    }

    private void pump() {
        if (writing || finalWritten || closed.future().isComplete()) {
            return;
        }
        long now = System.currentTimeMillis();
        List<Waiting> group = new ArrayList<>(queue);
        queue.clear();
        boolean last = closing && group.isEmpty();
        int total = 0;
        for (Waiting w : group) {
            total += w.docs().docs().size();
        }
        List<byte[]> linked = new ArrayList<>(total + 4);
        pollControl(linked, now);
        int refused = 0;
        for (Waiting w : group) {
            List<byte[]> docs = w.docs().docs();
            for (int i = 0; i < docs.size(); i++) {
                try {
                    linked.add(chain.append(docs.get(i), w.docs().chainAt(i)));
                } catch (IllegalArgumentException e) {
                    // Only an input field named "chain" gets here: the chain member is reserved. No value is logged.
                    refused++;
                }
            }
            pollControl(linked, now);
        }
        if (last) {
            byte[] seal = chain.finalCheckpoint(now);
            if (seal != null) {
                linked.add(seal);
            }
        }
        if (refused > 0) {
            LOG.warn("events dropped: they carry a top-level 'chain' field, reserved for the integrity chain count={}",
                    refused);
            if (metrics != null) {
                metrics.dropped("reserved_chain_field", refused);
            }
        }
        if (linked.isEmpty() && group.isEmpty()) {
            if (last) {
                finalWritten = true;
                finishCloseIfDone();
            }
            return;
        }
        writing = true;
        write(linked).onComplete(ar -> {
            writing = false;
            if (ar.succeeded()) {
                // Nothing else is linked while a write is in flight, so the chain's state now is exactly what the
                // buffer holds: the head a commit may name. A newer snapshot replaces one not yet committed.
                HashChain.PendingCommit c = chain.prepareCommit();
                if (c != null) {
                    if (durable != null) {
                        durable.discard();
                    }
                    durable = c;
                }
                for (Waiting w : group) {
                    awaitingCommit.add(new Unacked(w, null));
                }
            } else {
                // The linked seqs are not all durable: the stream shows a gap here, visibly, never hidden. The
                // failure is reported in order, after the groups before it are acknowledged.
                LOG.error("chained write failed events={} through_seq={} error={}", linked.size(), chain.lastSeq(),
                        ar.cause().getMessage());
                for (Waiting w : group) {
                    awaitingCommit.add(new Unacked(w, ar.cause()));
                }
                if (closing) {
                    closeFailure = ar.cause();
                }
            }
            if (last) {
                finalWritten = true;
            }
            commitIfDue();
            pump();
            finishCloseIfDone();
        });
    }

    /**
     * Commits the newest durable head, one commit at a time; the next group is linked and written meanwhile, and
     * every group written while a commit runs is acknowledged by the next one (one head fsync for all of them).
     */
    private void commitIfDue() {
        if (committing || awaitingCommit.isEmpty() && durable == null) {
            return;
        }
        HashChain.PendingCommit c = durable;
        List<Unacked> acks = awaitingCommit;
        durable = null;
        awaitingCommit = new ArrayList<>();
        committing = true;
        long t0 = System.nanoTime();
        Future<Void> done = c == null ? Future.succeededFuture() : committer.executeBlocking(() -> {
            chain.write(c);
            return null;
        }, true);
        done.onComplete(ar -> {
            committing = false;
            if (ar.succeeded()) {
                if (c != null) {
                    chain.committed(c);
                    if (metrics != null) {
                        metrics.chainCommit(System.nanoTime() - t0, acks.size());
                    }
                }
                for (Unacked u : acks) {
                    if (u.failure() == null) {
                        u.waiting().done().complete();
                    } else {
                        u.waiting().done().fail(u.failure());
                    }
                }
            } else {
                LOG.error("chain head commit failed through_seq={} error={}", c.head().seq(), ar.cause().getMessage());
                if (closing) {
                    closeFailure = ar.cause();
                }
                for (Unacked u : acks) {
                    u.waiting().done().fail(u.failure() != null ? u.failure() : ar.cause());
                }
            }
            commitIfDue();
            finishCloseIfDone();
        });
    }

    private void finishCloseIfDone() {
        if (finalWritten && !writing && !committing && durable == null && awaitingCommit.isEmpty()
                && !closed.future().isComplete()) {
            if (closeFailure != null) {
                closed.fail(closeFailure);
            } else {
                closed.complete();
            }
        }
    }

    private void pollControl(List<byte[]> into, long now) {
        for (byte[] control = chain.pollControlEvent(now); control != null; control = chain.pollControlEvent(now)) {
            into.add(control);
        }
    }

    private Future<Void> write(List<byte[]> docs) {
        if (docs.isEmpty()) {
            return Future.succeededFuture();
        }
        EventBatch batch = new EventBatch(docs);
        long bytes = 0;
        for (byte[] d : docs) {
            bytes += d.length + 1;
        }
        long batchBytes = bytes;
        List<Future<Void>> writes = new ArrayList<>(outputs.size());
        for (Output o : outputs) {
            writes.add(o.write(batch)
                    .onSuccess(v -> {
                        // The buffer's downstreams count their own deliveries (CountedOutput).
                        if (metrics != null && !(o instanceof BufferedFanOut)) {
                            metrics.outputBatch(o.id(), docs.size(), batchBytes);
                        }
                    })
                    .onFailure(e -> LOG.error("output={} write failed events={} error={}", o.id(), docs.size(),
                            e.getMessage())));
        }
        return Future.all(writes).mapEmpty();
    }
}
