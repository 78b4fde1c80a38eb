package io.redactd.outputs.buffer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.delivery.BatchConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline's single output when a disk buffer is configured: {@link #write} appends the batch to the buffer and
 * completes once it is durable there (so inputs acknowledge only buffered events, and a full buffer pushes back); each
 * downstream output is then fed from its own {@link BufferCursor} by a {@link CursorPump}, with its own batching, retry
 * state and metrics, so a slow or failed output never holds back the others.
 */
public final class BufferedFanOut implements Output {
    /** A downstream output and how the pump batches documents for it. */
    public record Downstream(Output output, BatchConfig batch) {
    }

    private final String id;
    private final Vertx vertx;
    private final DiskBuffer buffer;
    private final List<Downstream> downstreams;
    private final MeterRegistry registry;
    private final List<CursorPump> pumps = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param buffer opened with one cursor per downstream, named by the downstream's {@link Output#id()}; the fan-out
     *               owns it and closes it in {@link #stop()}
     */
    public BufferedFanOut(String id, Vertx vertx, DiskBuffer buffer, List<Downstream> downstreams, MeterRegistry registry) {
        this.id = id;
        this.vertx = vertx;
        this.buffer = buffer;
        this.downstreams = List.copyOf(downstreams);
        this.registry = registry;
        Gauge.builder("redactd.buffer.size", buffer, DiskBuffer::sizeBytes).baseUnit("bytes")
                .description("bytes held in disk buffer segments").register(registry);
        Gauge.builder("redactd.buffer.torn.tails", buffer, DiskBuffer::tornTailsTruncated)
                .description("segments whose torn tail was cut when the buffer was opened").register(registry);
        Gauge.builder("redactd.buffer.write.failing", buffer, b -> b.problem() == null ? 0 : 1)
                .description("1 while the buffer cannot take appends (disk refusing writes, or stopped by a failed fsync)")
                .register(registry);
    }

    /**
     * Opens the buffer ({@code config.path} defaulting to {@code <stateDir>/buffer}) with one cursor per downstream
     * output id, replaying what is on disk, and builds the fan-out over it. Blocking (file I/O): call at start-up.
     */
    public static BufferedFanOut open(String id, Vertx vertx, DiskBufferConfig config, Path stateDir,
                                      List<Downstream> downstreams, MeterRegistry registry) throws IOException {
        List<String> ids = new ArrayList<>();
        for (Downstream downstream : downstreams) {
            ids.add(downstream.output().id());
        }
        return new BufferedFanOut(id, vertx, DiskBuffer.open(config.inStateDir(stateDir), ids), downstreams, registry);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Future<Void> start() {
        List<Future<Void>> started = new ArrayList<>();
        for (Downstream downstream : downstreams) {
            started.add(downstream.output().start());
        }
        return Future.all(started).map(v -> {
            Context context = vertx.getOrCreateContext();
            for (Downstream downstream : downstreams) {
                BufferCursor cursor = buffer.cursor(downstream.output().id());
                CursorPump pump = new CursorPump(vertx, context, buffer, cursor, downstream.output(), downstream.batch(), registry);
                pumps.add(pump);
                pump.start();
            }
            running = true;
            return null;
        });
    }

    /** Completes when the batch is in the buffer (fsynced, with {@code fsync: always}); waits while it is full. */
    @Override
    public Future<Void> write(EventBatch batch) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(buffer.append(batch.documents()), context);
    }

    /** As {@link #write}; the value is the buffer position just after the batch (see {@link DiskBuffer#retain}). */
    public Future<Long> writeAt(EventBatch batch) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(buffer.appendAt(batch.documents()), context);
    }

    @Override
    public boolean ready() {
        if (!running || buffer.problem() != null) {
            return false;
        }
        for (Downstream downstream : downstreams) {
            if (!downstream.output().ready()) {
                return false;
            }
        }
        return true;
    }

    /** Why the buffer itself takes no appends now ({@link DiskBuffer#problem()}), or null: for /readyz. */
    public String problem() {
        return buffer.problem();
    }

    /** One line per output whose cursor commits fail ({@link CursorPump#commitProblem}), for /readyz; empty if none. */
    public List<String> commitProblems() {
        List<String> problems = new ArrayList<>(0);
        for (CursorPump pump : pumps) {
            String problem = pump.commitProblem();
            if (problem != null) {
                problems.add("output " + pump.outputId() + " " + problem);
            }
        }
        return problems;
    }

    public List<CursorPump> pumps() {
        return List.copyOf(pumps);
    }

    public DiskBuffer buffer() {
        return buffer;
    }

    /** Stops pulling (a batch in flight is abandoned and re-read at next start), stops the outputs, closes the buffer. */
    @Override
    public Future<Void> stop() {
        running = false;
        pumps.forEach(CursorPump::stop);
        List<Future<Void>> stopped = new ArrayList<>();
        for (Downstream downstream : downstreams) {
            stopped.add(downstream.output().stop());
        }
        return Future.join(stopped).transform(ignored -> vertx.executeBlocking(() -> {
            buffer.close();
            return null;
        }));
    }
}
