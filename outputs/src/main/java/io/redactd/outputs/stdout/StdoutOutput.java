package io.redactd.outputs.stdout;

import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * NDJSON on standard output. Writes bypass {@code System.out}'s PrintStream (which swallows errors) and run on one
 * worker thread, so a slow terminal or a full pipe back-pressures the pipeline instead of blocking an event loop.
 */
public final class StdoutOutput implements Output {
    private final String id;
    private final OutputStream out;
    private final WorkerExecutor worker;
    private volatile boolean ready;

    public StdoutOutput(String id, Vertx vertx) {
        this(id, vertx, new FileOutputStream(FileDescriptor.out));
    }

    StdoutOutput(String id, Vertx vertx, OutputStream target) {
        this.id = id;
        this.out = new BufferedOutputStream(target, 64 * 1024);
        this.worker = vertx.createSharedWorkerExecutor("redactd-output-" + id, 1);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Future<Void> start() {
        ready = true;
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> write(EventBatch batch) {
        return worker.<Void>executeBlocking(() -> {
            try {
                for (byte[] doc : batch.documents()) {
                    out.write(doc);
                    out.write('\n');
                }
                out.flush();
                return null;
            } catch (IOException e) {
                ready = false;
                throw new UncheckedIOException("output " + id + ": writing to stdout failed: " + e.getMessage(), e);
            }
        }, false);
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public Future<Void> stop() {
        ready = false;
        return worker.<Void>executeBlocking(() -> {
            out.flush();
            return null;
        }, false).eventually(worker::close);
    }
}
