package io.redactd.outputs.buffer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.delivery.BatchConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Feeds one output from its buffer cursor: read up to a batch, wait up to {@code max_wait_ms} (counted from when the
 * oldest document was appended) for the batch to fill, deliver, commit the cursor, repeat. One batch is in flight at a
 * time, so memory per output is bounded by the batch limits whatever the backlog on disk.
 *
 * <p>Registers {@code redactd.output.buffer.bytes} (bytes this output has not yet delivered) and
 * {@code redactd.output.oldest.unsent.age} (seconds since the oldest undelivered document was appended).
 */
public final class CursorPump {
    private static final Logger LOG = LoggerFactory.getLogger(CursorPump.class);
    private static final long MAX_FAILURE_BACKOFF_MS = 30_000;

    private final Vertx vertx;
    private final Context context;
    private final DiskBuffer buffer;
    private final BufferCursor cursor;
    private final Output output;
    private final BatchConfig batch;
    private final AtomicBoolean waitingForData = new AtomicBoolean();
    private final List<byte[]> pending = new ArrayList<>();
    private long pendingBytes;
    private long pendingEnd;
    private volatile long oldestUnsentMillis;
    private volatile boolean stopped;
    private long waitTimer = -1;
    private int consecutiveFailures;
    private volatile int inFlight;
    /** Newest delivered position waiting for a cursor commit, or -1; one commit runs at a time (on the context). */
    private long toCommit = -1;
    private boolean committing;
    /** A retry of a failed commit is scheduled (one at a time), and how many commits failed in a row. */
    private boolean commitRetryArmed;
    private int commitFailures;
    /** Since when (epoch ms) cursor commits fail, 0 while they work, and the last error: for /readyz. */
    private volatile long commitFailingSince;
    private volatile String commitError;

    CursorPump(Vertx vertx, Context context, DiskBuffer buffer, BufferCursor cursor, Output output, BatchConfig batch,
               MeterRegistry registry) {
        this.vertx = vertx;
        this.context = context;
        this.buffer = buffer;
        this.cursor = cursor;
        this.output = output;
        this.batch = batch;
        Gauge.builder("redactd.output.buffer", cursor, BufferCursor::lagBytes).baseUnit("bytes")
                .description("buffered bytes this output has not delivered yet").tag("output", output.id())
                .register(registry);
        Gauge.builder("redactd.output.oldest.unsent.age", this, CursorPump::oldestUnsentAgeSeconds).baseUnit("seconds")
                .description("age of the oldest buffered document this output has not delivered").tag("output", output.id())
                .register(registry);
        buffer.addAppendListener(() -> {
            if (waitingForData.compareAndSet(true, false)) {
                context.runOnContext(v -> pull());
            }
        });
    }

    void start() {
        context.runOnContext(v -> pull());
    }

    void stop() {
        stopped = true;
    }

    /** Documents read from the buffer and held in memory for the next or current delivery (at most a batch). */
    public int inFlightDocuments() {
        return inFlight;
    }

    public String outputId() {
        return output.id();
    }

    public double oldestUnsentAgeSeconds() {
        long oldest = oldestUnsentMillis;
        if (oldest == 0 || cursor.lagBytes() == 0) {
            return 0;
        }
        return Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
    }

    /** Reads more into the pending batch, then sends it or waits for more data. Runs on the context. */
    private void pull() {
        if (stopped) {
            return;
        }
        if (waitTimer >= 0) {
            vertx.cancelTimer(waitTimer);
            waitTimer = -1;
        }
        int room = batch.maxDocuments() - pending.size();
        long roomBytes = Math.max(1, batch.maxBytes() - pendingBytes);
        vertx.executeBlocking(() -> cursor.read(room, roomBytes), false).onComplete(result -> {
            if (stopped) {
                return;
            }
            if (result.failed()) {
                LOG.error("output {}: reading the buffer failed: {}", output.id(), result.cause().toString());
                retryLater(() -> pull());
                return;
            }
            BufferChunk chunk = result.result();
            if (!chunk.isEmpty()) {
                if (pending.isEmpty()) {
                    oldestUnsentMillis = chunk.firstAppendMillis();
                }
                pending.addAll(chunk.documents());
                inFlight = pending.size();
                pendingBytes += chunk.bytes();
                pendingEnd = chunk.endPosition();
            }
            boolean full = pending.size() >= batch.maxDocuments() || pendingBytes >= batch.maxBytes();
            long waited = System.currentTimeMillis() - oldestUnsentMillis;
            if (!pending.isEmpty() && (full || waited >= batch.maxWaitMs())) {
                deliver();
            } else if (!chunk.isEmpty()) {
                pull(); // more may be readable already
            } else {
                waitForData(pending.isEmpty() ? -1 : batch.maxWaitMs() - waited);
            }
        });
    }

    private void waitForData(long timeoutMs) {
        waitingForData.set(true);
        if (buffer.endPosition() > cursor.readPosition()) {
            // Data arrived between the read and arming the listener.
            if (waitingForData.compareAndSet(true, false)) {
                pull();
            }
            return;
        }
        if (timeoutMs >= 0) {
            waitTimer = vertx.setTimer(Math.max(1, timeoutMs), t -> {
                waitTimer = -1;
                if (waitingForData.compareAndSet(true, false)) {
                    pull();
                }
            });
        }
    }

    /**
     * Writes the pending batch; once the output has it, the next batch is read and written while the cursor commit
     * of this one (a synced write, a rename, a directory fsync) runs beside it. Waiting for that commit before reading
     * on made a local output's loop read, write, fsync, commit, one after the other: about 200 MB/s of documents on
     * a disk that writes 450 MB/s, which bounded syslog over TLS into a file (about 4 bytes of document per byte of
     * input) at about 50 MB/s of input. A crash re-delivers from the last commit, as before (at least once).
     */
    private void deliver() {
        List<byte[]> documents = List.copyOf(pending);
        long end = pendingEnd;
        output.write(new EventBatch(documents)).onComplete(result -> {
            if (stopped) {
                return;
            }
            if (result.succeeded()) {
                consecutiveFailures = 0;
                pending.clear();
                inFlight = 0;
                pendingBytes = 0;
                commit(end);
                pull();
            } else {
                // Fatal for now (e.g. refused credentials): keep the batch, surface, and try again later.
                LOG.error("output {}: delivery failed, {} documents kept in the buffer: {}", output.id(), documents.size(),
                        result.cause().getMessage());
                retryLater(this::deliver);
            }
        });
    }

    /**
     * Commits the cursor at {@code end} (delivered), or, while a commit runs, remembers it for the next one: commits
     * coalesce to the newest delivered position. A failed commit is retried with backoff; the output goes on meanwhile
     * (a restart re-delivers from the last commit that worked).
     */
    private void commit(long end) {
        toCommit = Math.max(toCommit, end);
        if (committing || stopped || toCommit < 0) {
            return; // (a retry finds nothing to do when a later commit already covered the failed one)
        }
        long position = toCommit;
        toCommit = -1;
        committing = true;
        vertx.executeBlocking(() -> {
            cursor.commit(position);
            return null;
        }, false).onComplete(result -> {
            committing = false;
            if (result.failed()) {
                LOG.error("output {}: committing its buffer position failed (retried): {}", output.id(),
                        result.cause().getMessage());
                if (commitFailingSince == 0) {
                    commitFailingSince = System.currentTimeMillis();
                }
                commitError = result.cause().getClass().getSimpleName() + ": " + result.cause().getMessage();
                toCommit = Math.max(toCommit, position);
                commitFailures++;
                if (!commitRetryArmed) {
                    commitRetryArmed = true;
                    vertx.setTimer(backoffMs(commitFailures), t -> {
                        commitRetryArmed = false;
                        if (!stopped) {
                            commit(-1);
                        }
                    });
                }
            } else {
                commitFailures = 0;
                commitFailingSince = 0;
                if (toCommit >= 0) {
                    commit(-1);
                }
            }
        });
    }

    /**
     * Null while cursor commits work; else why not and since when (the state directory's path and the I/O error, no
     * event data). Deliveries go on meanwhile, but a restart would deliver again everything since the last commit
     * that worked.
     */
    public String commitProblem() {
        long since = commitFailingSince;
        return since == 0 ? null : "cannot commit its buffer position since " + java.time.Instant.ofEpochMilli(since)
                + " (" + commitError + ")";
    }

    private void retryLater(Runnable action) {
        consecutiveFailures++;
        vertx.setTimer(backoffMs(consecutiveFailures), t -> {
            if (!stopped) {
                action.run();
            }
        });
    }

    /** Wait after {@code failures} failures in a row: 1, 2, 4, 8, 16 s, then {@code MAX_FAILURE_BACKOFF_MS}. */
    private static long backoffMs(int failures) {
        return Math.min(MAX_FAILURE_BACKOFF_MS, 1000L << Math.min(failures - 1, 5));
    }
}
