package io.redactd.daemon.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.daemon.pipeline.EventSink;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * What a component gets from the daemon when it is built.
 *
 * <p>Metric names and labels carry the component id and fixed reason words only, never paths of events or data.
 */
public final class ComponentContext {
    private final String id;
    private final Vertx vertx;
    private final EventSink sink;
    private final Path stateDir;
    private final MeterRegistry registry;

    public ComponentContext(String id, Vertx vertx, EventSink sink, Path stateDir, MeterRegistry registry) {
        this.id = id;
        this.vertx = vertx;
        this.sink = sink;
        this.stateDir = stateDir;
        this.registry = registry;
    }

    /** The component's {@code id} from config (unique among inputs, resp. outputs). */
    public String id() {
        return id;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Where inputs submit batches (outputs do not use it). */
    public EventSink sink() {
        return sink;
    }

    /**
     * The daemon's {@code state_dir} (exists and is writable at start). Keep your files under a name that includes
     * {@link #id()}, e.g. {@code stateDir().resolve("file-" + id() + ".checkpoints")}.
     */
    public Path stateDir() {
        return stateDir;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Feeds {@code redactd_input_lag_bytes{input=id}}: bytes written to the sources but not read yet. */
    public void lagBytes(LongSupplier bytesBehind) {
        Gauge.builder("redactd.input.lag.bytes", bytesBehind, LongSupplier::getAsLong)
                .description("Bytes in the input's sources not read yet")
                .tag("input", id)
                .register(registry);
    }

    /**
     * {@code redactd_input_errors_total{input=id, reason=...}}: bad input that was handled (skipped binary, split
     * over-long line, unreadable file...). {@code reason} is a fixed word such as {@code line_too_long}.
     */
    public Counter inputErrors(String reason) {
        return Counter.builder("redactd.input.errors")
                .description("Bad input handled by an input, by reason")
                .tag("input", id)
                .tag("reason", reason)
                .register(registry);
    }
}
