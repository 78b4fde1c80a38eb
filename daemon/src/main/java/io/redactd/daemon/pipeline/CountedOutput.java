package io.redactd.daemon.pipeline;

import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.vertx.core.Future;

/**
 * An output behind the disk buffer, counting what it delivered as {@code redactd_output_events/bytes{output=id}} (the
 * pipeline itself only writes the buffer, so per-output counts must come from the buffer's side).
 */
public final class CountedOutput implements Output {
    private final Output output;
    private final PipelineMetrics metrics;

    public CountedOutput(Output output, PipelineMetrics metrics) {
        this.output = output;
        this.metrics = metrics;
    }

    @Override
    public String id() {
        return output.id();
    }

    @Override
    public Future<Void> start() {
        return output.start();
    }

    @Override
    public Future<Void> write(EventBatch batch) {
        long bytes = 0;
        for (byte[] d : batch.documents()) {
            bytes += d.length + 1;
        }
        long batchBytes = bytes;
        return output.write(batch).onSuccess(v -> metrics.outputBatch(output.id(), batch.documents().size(), batchBytes));
    }

    @Override
    public boolean ready() {
        return output.ready();
    }

    @Override
    public String notReadyReason() {
        return output.notReadyReason();
    }

    @Override
    public Future<Void> stop() {
        return output.stop();
    }
}
