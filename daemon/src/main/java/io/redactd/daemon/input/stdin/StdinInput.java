package io.redactd.daemon.input.stdin;

import io.micrometer.core.instrument.Counter;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.input.Input;
import io.redactd.daemon.input.LineReader;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads lines from standard input on its own thread (reads block, so never on an event loop) and submits them in
 * batches, keeping at most {@code max_batches_in_flight} unacknowledged: a slow output stops the reading, and the
 * producer blocks on a full pipe. Stdin has no position to commit, so {@link #stop()} only stops handing on and waits
 * for what is in flight; lines the producer wrote but the daemon had not read yet stay in the pipe.
 */
public final class StdinInput implements Input {
    private static final Logger LOG = LoggerFactory.getLogger(StdinInput.class);

    private final String id;
    private final StdinInputConfig config;
    private final ComponentContext context;
    private final InputStream in;
    private final Semaphore slots;
    private final Counter oversize;
    private final Promise<Void> finished = Promise.promise();
    private volatile boolean stopping;
    private Thread reader;

    public StdinInput(StdinInputConfig config, ComponentContext context) {
        this(config, context, System.in);
    }

    /** Reads {@code in} instead of the process stdin (a pipe from another component, a test producer). */
    public StdinInput(StdinInputConfig config, ComponentContext context, InputStream in) {
        this.id = context.id();
        this.config = config;
        this.context = context;
        this.in = in;
        this.slots = new Semaphore(config.maxBatchesInFlight());
        this.oversize = context.inputErrors("line_too_long");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Future<Void> start() {
        reader = new Thread(this::readLoop, "redactd-input-" + id);
        reader.setDaemon(true);
        reader.start();
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        stopping = true;
        return context.vertx().executeBlocking(() -> {
            // Every slot back means every submitted batch was acknowledged.
            if (!slots.tryAcquire(config.maxBatchesInFlight(), 30, TimeUnit.SECONDS)) {
                LOG.warn("input={} stopped with batches still unacknowledged", id);
            }
            return null;
        }, false);
    }

    /** Completes when stdin reached its end and everything read was acknowledged (for tests and batch use). */
    public Future<Void> finished() {
        return finished.future();
    }

    private void readLoop() {
        LineReader lines = new LineReader(in, config.maxLineBytes(), () -> { });
        List<RawEvent> batch = new ArrayList<>();
        long lineNo = 0;
        try {
            while (!stopping && lines.next()) {
                lineNo++;
                if (lines.oversize()) {
                    oversize.increment();
                    LOG.warn("input={} line={} longer than max_line_bytes={} not forwarded", id, lineNo, config.maxLineBytes());
                } else {
                    byte[] msg = Arrays.copyOfRange(lines.buffer(), lines.start(), lines.start() + lines.length());
                    batch.add(new RawEvent(msg, System.currentTimeMillis(), Map.of(), lineNo));
                }
                // Hand on what one read delivered rather than wait for a full batch: a slow producer's lines flow.
                if (batch.size() >= config.batchMaxEvents() || (!batch.isEmpty() && !lines.lineBuffered())) {
                    submit(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty() && !stopping) {
                submit(batch);
            }
            slots.acquire(config.maxBatchesInFlight());
            slots.release(config.maxBatchesInFlight());
            LOG.info("input={} reached the end of stdin after {} lines", id, lineNo);
            finished.tryComplete();
        } catch (IOException e) {
            LOG.error("input={} reading stdin failed: {}", id, e.getMessage());
            finished.tryFail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished.tryFail(e);
        }
    }

    private void submit(List<RawEvent> batch) throws InterruptedException {
        slots.acquire();
        context.sink().submit(new RawBatch("stdin", id, batch)).onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("input={} batch of {} events not delivered: {}", id, batch.size(), ar.cause().getMessage());
            }
            slots.release();
        });
    }
}
