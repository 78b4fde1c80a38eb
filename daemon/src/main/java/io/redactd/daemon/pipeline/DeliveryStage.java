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
 * <p>With a chain, delivery is one group at a time: every batch waiting is linked, written as one batch, and once the
 * write is durable the chain head is committed (fsync, on a worker) and only then are the batches acknowledged. So
 * the committed head never names an event that is not durable (no gap after a crash), an acknowledged input position
 * is never ahead of the head, and under load many batches share one head fsync. Chain control events (a
 * {@code chain_restart}, due checkpoints) are polled before and after every batch and on a timer while idle.
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
    private boolean busy;
    private boolean closing;

    private record Waiting(EventDocs docs, Promise<Void> done) {
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
        if (busy || closed.future().isComplete()) {
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
                closed.complete();
            }
            return;
        }
        busy = true;
        write(linked)
                .compose(v -> committer.<Void>executeBlocking(() -> {
                    chain.commit();
                    return null;
                }, true))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        // The linked seqs are not all durable: the stream shows a gap here, visibly, never hidden.
                        LOG.error("chained write failed events={} through_seq={} error={}", linked.size(),
                                chain.lastSeq(), ar.cause().getMessage());
                    }
                    for (Waiting w : group) {
                        if (ar.succeeded()) {
                            w.done().complete();
                        } else {
                            w.done().fail(ar.cause());
                        }
                    }
                    busy = false;
                    if (last) {
                        closed.handle(ar.mapEmpty());
                    } else {
                        pump();
                    }
                });
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
