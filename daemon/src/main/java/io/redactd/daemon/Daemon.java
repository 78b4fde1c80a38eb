package io.redactd.daemon;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.redactd.daemon.admin.AdminServer;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.config.ConfiguredComponent;
import io.redactd.daemon.config.RedactdConfig;
import io.redactd.daemon.input.Input;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.PipelineMetrics;
import io.redactd.detectors.DetectionPlan;
import io.redactd.outputs.Output;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The running daemon: outputs, pipeline, inputs and the admin listener, started in that order (so nothing is read
 * before it can be written) and stopped in the reverse order (so everything read is written before exit).
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final List<Output> outputs = new ArrayList<>();
    private final List<Input> inputs = new ArrayList<>();
    private Pipeline pipeline;
    private AdminServer admin;
    private int adminPort = -1;
    private volatile boolean inputsOpen;

    private Daemon() {
        this.vertx = Vertx.vertx();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** Raised when the daemon cannot start; the message is meant for the operator. */
    public static final class StartException extends Exception {
        public StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Starts everything and returns once inputs are open; on failure stops what started and throws. */
    public static Daemon start(RedactdConfig config, DetectionPlan plan) throws StartException {
        Daemon d = new Daemon();
        try {
            d.startAll(config, plan);
            return d;
        } catch (StartException e) {
            d.stop(Duration.ofSeconds(5));
            throw e;
        }
    }

    private void startAll(RedactdConfig config, DetectionPlan plan) throws StartException {
        Path stateDir = prepareStateDir(config.stateDir());
        String host = hostName();
        for (ConfiguredComponent<?, Output> c : config.outputs()) {
            Output o = c.build(new ComponentContext(c.id(), vertx, null, stateDir, registry));
            outputs.add(o);
            await(o.start(), "output " + c.id() + " (" + c.type().name() + ") did not start");
        }
        pipeline = new Pipeline(vertx, plan, outputs, config.pipeline().workers(),
                config.pipeline().maxBatchesInFlight(), new PipelineMetrics(registry), host);
        for (ConfiguredComponent<?, Input> c : config.inputs()) {
            Input in = c.build(new ComponentContext(c.id(), vertx, pipeline, stateDir, registry));
            inputs.add(in);
            await(in.start(), "input " + c.id() + " (" + c.type().name() + ") did not start");
        }
        inputsOpen = true;
        if (config.admin().enabled()) {
            admin = new AdminServer(vertx, registry, this::notReady);
            adminPort = await(admin.start(config.admin().host(), config.admin().port()),
                    "admin listener on " + config.admin().listen() + " did not start");
        }
        LOG.info("redactd started engine={} workers={} inputs={} outputs={} admin={} state_dir={}",
                plan.engineName(), config.pipeline().workers(), describe(config.inputs()), describe(config.outputs()),
                config.admin().enabled() ? config.admin().host() + ":" + adminPort : "off", stateDir);
    }

    private static String describe(List<? extends ConfiguredComponent<?, ?>> cs) {
        return cs.stream().map(c -> c.id() + ":" + c.type().name()).collect(Collectors.joining(",", "[", "]"));
    }

    private List<String> notReady() {
        List<String> missing = new ArrayList<>();
        if (!inputsOpen) {
            missing.add("inputs");
        }
        for (Output o : outputs) {
            if (!o.ready()) {
                missing.add("output " + o.id());
            }
        }
        return missing;
    }

    /**
     * Drains: inputs stop reading and wait for their in-flight batches (then commit positions), the pipeline empties,
     * outputs flush and close. Bounded by {@code timeout}; what cannot finish in time is logged, never hidden.
     */
    public void stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        inputsOpen = false;
        List<Future<Void>> stops = new ArrayList<>();
        for (Input in : inputs) {
            stops.add(in.stop());
        }
        awaitQuietly(Future.join(stops).mapEmpty(), deadline, "inputs did not stop");
        if (pipeline != null) {
            awaitQuietly(pipeline.drain(), deadline, "pipeline did not drain");
        }
        stops.clear();
        for (Output o : outputs) {
            stops.add(o.stop());
        }
        awaitQuietly(Future.join(stops).mapEmpty(), deadline, "outputs did not flush");
        if (admin != null) {
            awaitQuietly(admin.stop(), deadline, "admin listener did not close");
        }
        if (pipeline != null) {
            awaitQuietly(pipeline.close(), deadline, "detection workers did not stop");
        }
        awaitQuietly(vertx.close(), deadline, "vert.x did not close");
        LOG.info("redactd stopped");
    }

    /**
     * Runs {@code action} every {@code interval} from an event-loop timer (off the loop, as it may block briefly),
     * skipping ticks while an input or output is not ready.
     */
    public void whileReady(Duration interval, Runnable action) {
        vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> {
            if (notReady().isEmpty()) {
                vertx.executeBlocking(() -> {
                    action.run();
                    return null;
                }, false);
            }
        });
    }

    public int adminPort() {
        return adminPort;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private static Path prepareStateDir(Path dir) throws StartException {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
            return dir;
        } catch (IOException e) {
            throw new StartException("state_dir " + dir + " is not a writable directory: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e2) {
                return "localhost";
            }
        }
    }

    private static <T> T await(Future<T> f, String what) throws StartException {
        try {
            return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new StartException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new StartException(what + " within " + START_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartException(what + ": interrupted", e);
        }
    }

    private static void awaitQuietly(Future<?> f, long deadlineNanos, String what) {
        long left = Math.max(1, deadlineNanos - System.nanoTime());
        try {
            f.toCompletionStage().toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            LOG.warn("{}: {}", what, e.getCause().getMessage());
        } catch (TimeoutException e) {
            LOG.warn("{} in time", what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{}: interrupted", what);
        }
    }
}
