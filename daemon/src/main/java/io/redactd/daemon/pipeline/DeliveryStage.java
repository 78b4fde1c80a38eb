package io.redactd.daemon.pipeline;

import io.redactd.daemon.integrity.HashChain;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.buffer.BufferedFanOut;
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
import java.util.List;

/**
 * The pipeline's last step: links detected batches into the integrity chain and writes them to the outputs (in the
 * daemon, the single buffered fan-out). Runs on the pipeline's context.
 *
 * <p>With a chain, batches are linked in order and written; the head to commit is the chain's state once every
 * write up to it is durable, so the committed head never names an event that is not durable (no gap after a crash).
 * Commits run one at a time on a worker (fsync) while the next batches are linked and written. Chain control events
 * (a {@code chain_restart}, due checkpoints) are polled before and after every batch and on a timer while idle.
 *
 * <p>When the only output is the disk buffer ({@link BufferedFanOut}, as in the daemon), each batch is linked and
 * appended as it comes (the buffer keeps call order; completions are handled in that order), it is acknowledged as
 * soon as its write is durable there, as without a chain, and the head is committed lazily: at most once per
 * {@code commitIntervalMs} while running, and always on {@link #close}. Until a commit covers them, the buffer retains
 * the acknowledged events ({@link io.redactd.outputs.buffer.DiskBuffer#retain}) even once every output delivered
 * them, so after a crash the committed head plus the buffer's retained records always give the true head
 * ({@code HashChain.recover}): no seq is reused, no {@code chain_restart} is needed. The head fsync therefore no
 * longer paces the inputs (each keeps only a few batches in flight), and one fsync covers every group of the interval.
 *
 * <p>With any other outputs (no buffer to recover from), writes go one group at a time (every batch waiting is
 * linked and written as one batch; the snapshot is taken when the write completes), and each commit acknowledges, in
 * order, every batch written before its snapshot, so an acknowledged input position is never ahead of the committed
 * head.
 *
 * <p>Without a chain, batches are written as they come, in order.
 */
public final class DeliveryStage {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStage.class);
    /**
     * Least time between two head commits while acknowledgements do not wait for them: the buffer retains at most
     * this long's events beyond the head, and the head file costs a few fsyncs per second instead of one per group.
     */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;

    private final Vertx vertx;
    private final long controlTickMs;
    private final List<Output> outputs;
    private final HashChain chain;
    private final WorkerExecutor committer;
    /** The disk buffer when it is the only output: acknowledge on durable write, commit lazily. Else null. */
    private final BufferedFanOut buffered;
    private final long commitIntervalMs;
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
    private Durable durable;
    /** Groups written (or failed), resolved in order once a commit covers them (not with {@link #buffered}). */
    private List<Unacked> awaitingCommit = new ArrayList<>();
    /** With {@link #buffered}: buffer position the committed head covers, and the end of the last durable group. */
    private long committedEnd;
    private long writtenEnd;
    private long lastCommitNanos;
    private long commitTimerId = -1;
    /** With {@link #buffered}: groups written and not yet completed, in write order. */
    private final ArrayDeque<InFlightWrite> inFlightWrites = new ArrayDeque<>();
    private boolean commitFailing;
    /** With {@link #buffered}: batches acknowledged since the last commit started (the next one covers them). */
    private int batchesSinceCommit;
    /** The final checkpoint (on close) is written. */
    private boolean finalWritten;
    /** A write or commit that failed while closing: close() reports it. */
    private Throwable closeFailure;

    private record Waiting(EventDocs docs, Promise<Void> done) {
    }

    /** A group written to the buffer; {@code result} is set when the write completes (in any order). */
    private static final class InFlightWrite {
        final List<Waiting> group;
        final HashChain.PendingCommit snapshot;
        final int events;
        AsyncResult<Long> result;

        InFlightWrite(List<Waiting> group, HashChain.PendingCommit snapshot, int events) {
            this.group = group;
            this.snapshot = snapshot;
            this.events = events;
        }
    }

    /** A head to commit and the buffer position just after the last event it names (-1 without a buffer). */
    private record Durable(HashChain.PendingCommit commit, long end) {
    }

    /** A batch written (failure null) or whose write failed, awaiting its acknowledgement in order. */
    private record Unacked(Waiting waiting, Throwable failure) {
    }

    /**
     * @param chain the integrity chain (recovered from the buffer already), or null when integrity is off
     */
    public DeliveryStage(Vertx vertx, List<Output> outputs, HashChain chain, long controlTickMs) {
        this(vertx, outputs, chain, controlTickMs, DEFAULT_COMMIT_INTERVAL_MS);
    }

    /** @param commitIntervalMs least time between head commits while running, when the buffer is the only output */
    DeliveryStage(Vertx vertx, List<Output> outputs, HashChain chain, long controlTickMs, long commitIntervalMs) {
        this.vertx = vertx;
        this.controlTickMs = controlTickMs;
        this.outputs = List.copyOf(outputs);
        this.chain = chain;
        this.committer = chain == null ? null : vertx.createSharedWorkerExecutor("redactd-chain-commit", 1);
        this.buffered = chain != null && this.outputs.size() == 1 && this.outputs.get(0) instanceof BufferedFanOut b
                ? b : null;
        this.commitIntervalMs = commitIntervalMs;
    }

    /** Without a chain (tests, integrity off). */
    public static DeliveryStage unchained(Vertx vertx, List<Output> outputs) {
        return new DeliveryStage(vertx, outputs, null, 0);
    }

    /** Called once by the pipeline: the stage runs on the pipeline's context. */
    void bind(Context pipelineContext, PipelineMetrics metrics) {
        this.context = pipelineContext;
        this.metrics = metrics;
        if (buffered != null) {
            // Everything in the buffer now is covered by the committed head (the daemon commits what it recovered).
            committedEnd = buffered.buffer().endPosition();
            writtenEnd = committedEnd;
            lastCommitNanos = System.nanoTime();
            // Everything after the committed head is retained from the start, not from when the pipeline context
            // handles a write's completion: by then the outputs may have delivered the write and a roll could have
            // deleted its segment, and a crash would reuse its seqs (a fork).
            buffered.buffer().retain(committedEnd, Long.MAX_VALUE);
        }
        if (chain != null) {
            context.runOnContext(v -> timerId = vertx.setPeriodic(Math.max(10, controlTickMs), id -> pump()));
        }
    }

    List<Output> outputs() {
        return outputs;
    }

    /**
     * On the pipeline context. Completes when the documents are written (durable in the buffer); chained to outputs
     * other than the buffer, only once the head that covers them is committed too.
     */
    Future<Void> deliver(List<byte[]> docs) {
        return deliver(EventDocs.of(docs));
    }

    Future<Void> deliver(EventDocs docs) {
        if (chain == null) {
            return write(docs.docs()).mapEmpty();
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
            if (commitTimerId >= 0) {
                vertx.cancelTimer(commitTimerId);
                commitTimerId = -1;
            }
            pump();
            commitIfDue(); // a head waiting for the interval goes now
            finishCloseIfDone();
        });
        return closed.future().eventually(() -> committer.close());
    }

    private void pump() {
        if (writing && buffered == null || finalWritten || closed.future().isComplete()) {
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
        if (buffered != null) {
            writeToBuffer(group, linked, last);
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
                        durable.commit().discard();
                    }
                    durable = new Durable(c, ar.result());
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
     * Into the buffer, a group is written at once, without waiting for the writes before it: the buffer appends in
     * call order, so the head snapshot taken now (everything linked so far) is durable once this write and every
     * earlier one completed. Completions are handled in write order ({@link #drainWritten}).
     */
    private void writeToBuffer(List<Waiting> group, List<byte[]> linked, boolean last) {
        InFlightWrite w = new InFlightWrite(group, chain.prepareCommit(), linked.size());
        inFlightWrites.add(w);
        if (last) {
            finalWritten = true;
        }
        write(linked).onComplete(ar -> {
            w.result = ar;
            drainWritten();
        });
    }

    private void drainWritten() {
        for (InFlightWrite w = inFlightWrites.peek(); w != null && w.result != null; w = inFlightWrites.peek()) {
            inFlightWrites.poll();
            if (w.result.succeeded()) {
                // (An empty write reports the end known when it was issued; the writes before it are done now.)
                writtenEnd = Math.max(writtenEnd, w.result.result());
                if (w.snapshot != null) {
                    if (durable != null) {
                        durable.commit().discard();
                    }
                    durable = new Durable(w.snapshot, writtenEnd);
                }
                // Retained already (bind, commits: everything after the committed head): from here on, only the
                // buffer knows the head after a crash.
                batchesSinceCommit += w.group.size();
                for (Waiting g : w.group) {
                    g.done().complete();
                }
            } else {
                // The linked seqs are not all durable: the stream shows a gap here, visibly, never hidden.
                if (w.snapshot != null) {
                    w.snapshot.discard();
                }
                LOG.error("chained write failed events={} error={}", w.events, w.result.cause().getMessage());
                for (Waiting g : w.group) {
                    g.done().fail(w.result.cause());
                }
                if (closing) {
                    closeFailure = w.result.cause();
                }
            }
        }
        commitIfDue();
        finishCloseIfDone();
    }

    /**
     * Commits the newest durable head, one commit at a time; the next group is linked and written meanwhile. Without
     * the buffer, every group written while a commit runs is acknowledged by the next one (one head fsync for all of
     * them); with it, commits are spaced by {@code commitIntervalMs} except when closing.
     */
    private void commitIfDue() {
        if (committing || awaitingCommit.isEmpty() && durable == null) {
            return;
        }
        if (buffered != null && !closing) {
            long waitMs = commitIntervalMs - (System.nanoTime() - lastCommitNanos) / 1_000_000;
            if (waitMs > 0) {
                if (commitTimerId < 0) {
                    commitTimerId = vertx.setTimer(waitMs, id -> {
                        commitTimerId = -1;
                        commitIfDue();
                        finishCloseIfDone();
                    });
                }
                return;
            }
        }
        Durable d = durable;
        List<Unacked> acks = awaitingCommit;
        durable = null;
        awaitingCommit = new ArrayList<>();
        committing = true;
        long t0 = System.nanoTime();
        lastCommitNanos = t0;
        int covered = buffered != null ? batchesSinceCommit : acks.size();
        batchesSinceCommit = 0;
        Future<Void> done = d == null ? Future.succeededFuture() : committer.executeBlocking(() -> {
            chain.write(d.commit());
            return null;
        }, true);
        done.onComplete(ar -> {
            committing = false;
            if (ar.succeeded()) {
                if (d != null) {
                    chain.committed(d.commit());
                    if (buffered != null) {
                        committedEnd = Math.max(committedEnd, d.end());
                        buffered.buffer().retain(committedEnd, Long.MAX_VALUE);
                    }
                    if (metrics != null) {
                        metrics.chainCommit(System.nanoTime() - t0, covered);
                    }
                    if (commitFailing) {
                        LOG.info("chain head commits work again through_seq={}", d.commit().head().seq());
                        commitFailing = false;
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
                if (!commitFailing || buffered == null) {
                    LOG.error("chain head commit failed through_seq={} error={}", d.commit().head().seq(),
                            ar.cause().getMessage());
                }
                if (metrics != null) {
                    metrics.chainCommitFailed();
                }
                if (closing) {
                    closeFailure = ar.cause();
                }
                for (Unacked u : acks) {
                    u.waiting().done().fail(u.failure() != null ? u.failure() : ar.cause());
                }
                if (buffered != null) {
                    // The events stay retained in the buffer (the head is recoverable from it); retry after the
                    // interval, unless closing: with a fresh snapshot when no write is in flight (the chain's state
                    // is then exactly what the buffer holds), else the head that failed, which is durable already.
                    // Waiting for the next write's snapshot instead could wait forever: with commits failing, the
                    // retained range fills the buffer and the write in flight waits for space.
                    commitFailing = true;
                    batchesSinceCommit += covered; // the retry covers them: count them with the commit that succeeds
                    if (!closing && durable == null) {
                        HashChain.PendingCommit again = inFlightWrites.isEmpty() ? chain.prepareCommit() : null;
                        durable = again != null ? new Durable(again, writtenEnd)
                                // Without its key copy (erased after the failed write): the next snapshot carries
                                // one, and opening the chain completes a key file that lags the head.
                                : new Durable(new HashChain.PendingCommit(d.commit().head(), null), d.end());
                    }
                }
            }
            commitIfDue();
            finishCloseIfDone();
        });
    }

    private void finishCloseIfDone() {
        if (finalWritten && !writing && inFlightWrites.isEmpty() && !committing && durable == null
                && awaitingCommit.isEmpty()
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

    /** Writes to every output; the value is the buffer position after the batch with {@link #buffered}, else -1. */
    private Future<Long> write(List<byte[]> docs) {
        if (docs.isEmpty()) {
            return Future.succeededFuture(buffered != null ? writtenEnd : -1L);
        }
        EventBatch batch = new EventBatch(docs);
        if (buffered != null) {
            return buffered.writeAt(batch).onFailure(e -> LOG.error("output={} write failed events={} error={}",
                    buffered.id(), docs.size(), e.getMessage()));
        }
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
        return Future.all(writes).map(v -> -1L);
    }
}
