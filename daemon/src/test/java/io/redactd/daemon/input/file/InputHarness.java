package io.redactd.daemon.input.file;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** One running {@link FileInput} with its own Vert.x instance, sink and meters; stoppable or killable. */
final class InputHarness implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final CollectingSink sink;
    final FileInput input;
    private boolean closed;

    InputHarness(FileInputConfig config, Path stateDir, CollectingSink sink) {
        this(config, stateDir, sink, FdBudget.process());
    }

    /** With an open-file budget of its own (e.g. a small one, to meet the limit without opening thousands). */
    InputHarness(FileInputConfig config, Path stateDir, CollectingSink sink, FdBudget fds) {
        this.sink = sink;
        this.input = new FileInput(vertx, config, sink, stateDir, meters, fds);
        await(input.start());
    }

    double gauge(String name) {
        var g = meters.find(name).gauge();
        return g == null ? Double.NaN : g.value();
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future failed or timed out", e);
        }
    }

    double count(String name) {
        Counter c = meters.find(name).counter();
        return c == null ? 0 : c.count();
    }

    double count(String name, String tag, String value) {
        Counter c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    /** Graceful: waits for acknowledgements and commits. */
    void stop() {
        await(input.stop());
        close();
    }

    /**
     * Like SIGKILL: the sink stops acknowledging and Vert.x goes away without {@link FileInput#stop()}, so whatever was
     * not yet committed is lost.
     */
    void kill() {
        sink.kill();
        close();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            await(vertx.close());
        }
    }
}
