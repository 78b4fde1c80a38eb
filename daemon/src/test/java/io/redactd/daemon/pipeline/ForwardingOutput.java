package io.redactd.daemon.pipeline;

import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.vertx.core.Future;

/**
 * A real output with one behaviour put in front of it: everything is passed to the delegate, and a test's output
 * overrides what it changes (usually {@link #write}). {@link #notReadyReason()} is left at the interface's default,
 * as the test outputs built on this always had it.
 */
abstract class ForwardingOutput implements Output {
    protected final Output delegate;

    ForwardingOutput(Output delegate) {
        this.delegate = delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public Future<Void> start() {
        return delegate.start();
    }

    @Override
    public Future<Void> write(EventBatch batch) {
        return delegate.write(batch);
    }

    @Override
    public boolean ready() {
        return delegate.ready();
    }

    @Override
    public Future<Void> stop() {
        return delegate.stop();
    }
}
