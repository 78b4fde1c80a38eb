package io.redactd.daemon.pipeline;

import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/** A real output behind a gate the test opens: while closed, writes are held (a SIEM that stopped answering). */
final class GatedOutput extends ForwardingOutput {
    private final List<Runnable> held = new ArrayList<>();
    private boolean open;

    GatedOutput(Output delegate) {
        super(delegate);
    }

    synchronized int held() {
        return held.size();
    }

    void open() {
        List<Runnable> release;
        synchronized (this) {
            open = true;
            release = new ArrayList<>(held);
            held.clear();
        }
        release.forEach(Runnable::run);
    }

    @Override
    public synchronized Future<Void> write(EventBatch batch) {
        if (open) {
            return delegate.write(batch);
        }
        Promise<Void> p = Promise.promise();
        held.add(() -> delegate.write(batch).onComplete(p));
        return p.future();
    }
}
