package io.redactd.daemon;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.redactd.daemon.admin.AdminServer;
import io.redactd.daemon.alert.AlertManager;
import io.redactd.daemon.alert.AlertTarget;
import io.redactd.daemon.alert.Canary;
import io.redactd.daemon.config.AlertsConfig;
import io.redactd.daemon.tls.ListenerTls;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.config.ConfiguredComponent;
import io.redactd.daemon.config.RedactdConfig;
import io.redactd.daemon.input.Input;
import io.redactd.daemon.config.IntegrityConfig;
import io.redactd.daemon.integrity.HashChain;
import io.redactd.daemon.pipeline.CountedOutput;
import io.redactd.daemon.pipeline.DeliveryStage;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.PipelineMetrics;
import io.redactd.detectors.DetectionPlan;
import io.redactd.outputs.Output;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.redactd.outputs.buffer.BufferedFanOut.Downstream;
import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.elasticsearch.ElasticsearchOutputConfig;
import io.redactd.outputs.splunk.SplunkHecOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
 *
 * <p>Every output reads from the disk buffer through its own cursor ({@link BufferedFanOut}); the pipeline writes the
 * buffer only, after linking the events into the integrity chain ({@link DeliveryStage}). See README "Buffer and chain
 * wiring".
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final BatchConfig LOCAL_BATCH = new BatchConfig(5000, 4L << 20, 50L);
    private static final long STATE_CHECK_MS = 1000;
    /** How long a stop waits for in-flight batches while the buffer takes no appends. */
    private static final Duration STUCK_DRAIN = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final List<Output> outputs = new ArrayList<>();
    private BufferedFanOut fanOut;
    private DeliveryStage delivery;
    private final List<Input> inputs = new ArrayList<>();
    private Pipeline pipeline;
    private AdminServer admin;
    private AlertManager alerts;
    /** The alerts section in force; replaced by a reload. */
    private volatile AlertsConfig alertsConfig;
    private Canary canary;
    private int adminPort = -1;
    private volatile boolean inputsOpen;
    /** Held from start to stop: no second daemon, and no keygen --force, on this state_dir meanwhile. */
    private StateDirLock stateLock;
    /** A lock taken again on a re-created state_dir after the first one's file vanished (keeps a second daemon out). */
    private StateDirLock relock;
    private Path stateDir;
    private Path bufferCursors;
    private StateHealth stateHealth;
    private long stateTimer = -1;
    /** Set once the state dir's lock file was removed or replaced: forwarding stops, the daemon drains, then exits. */
    private volatile String stateLost;
    private final Promise<String> exitRequest = Promise.promise();

    private Daemon() {
        this.vertx = Vertx.vertx();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // JVM heap, GC and CPU: the shipped dashboard and the RedactdHeapNearlyFull rule read them.
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
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
        this.stateDir = stateDir;
        lockStateDir(stateDir);
        stateHealth = new StateHealth(registry);
        String host = hostName();
        PipelineMetrics metrics = new PipelineMetrics(registry);
        List<Downstream> downstreams = new ArrayList<>();
        for (ConfiguredComponent<?, Output> c : config.outputs()) {
            Output o = new CountedOutput(c.build(new ComponentContext(c.id(), vertx, null, stateDir, registry)), metrics);
            outputs.add(o);
            downstreams.add(new Downstream(o, batchOf(c.config())));
        }
        HashChain chain = config.integrity().enabled() ? openChain(config.integrity(), stateDir) : null;
        DiskBufferConfig bufferConfig = config.buffer().inStateDir(stateDir);
        bufferCursors = Path.of(bufferConfig.path()).resolve("cursors");
        try {
            // Nothing is deleted before the chain has read it: the records it acknowledged beyond its committed head
            // may sit in segments every output already delivered.
            DiskBuffer buffer = DiskBuffer.openKeepingConsumed(bufferConfig, outputs.stream().map(Output::id).toList());
            if (chain != null) {
                // A crash between the buffer write and the head commit leaves chained events beyond the head: adopt
                // them, and commit that head before anything may delete them (the delivery stage then retains only
                // what it acknowledges beyond its own commits).
                buffer.forEachRetained(chain::recover);
                try {
                    chain.commit();
                } catch (IOException e) {
                    buffer.close();
                    throw new StartException("integrity chain head in " + stateDir + " cannot be written: "
                            + e.getMessage(), e);
                }
            }
            buffer.deleteConsumedSegments();
            fanOut = new BufferedFanOut("buffer", vertx, buffer, downstreams, registry);
        } catch (IOException e) {
            throw new StartException("buffer " + bufferConfig.path() + " cannot be opened: " + e.getMessage(), e);
        }
        await(fanOut.start(), "outputs " + describe(config.outputs()) + " did not start");
        delivery = new DeliveryStage(vertx, List.of(fanOut), chain,
                Math.min(1000, config.integrity().checkpointIntervalMs()));
        pipeline = new Pipeline(vertx, plan, delivery, config.pipeline().workers(),
                config.pipeline().maxBatchesInFlight(), config.pipeline().admissionBudget(), metrics, host);
        alertsConfig = config.alerts();
        if (config.alerts().enabled()) {
            startAlerts(config, plan, host);
        }
        for (ConfiguredComponent<?, Input> c : config.inputs()) {
            Input in = c.build(new ComponentContext(c.id(), vertx, pipeline, stateDir, registry));
            inputs.add(in);
            await(in.start(), "input " + c.id() + " (" + c.type().name() + ") did not start");
        }
        inputsOpen = true;
        stateTimer = vertx.setPeriodic(STATE_CHECK_MS, id -> vertx.executeBlocking(() -> {
            checkState();
            return null;
        }, false));
        if (config.admin().enabled()) {
            admin = new AdminServer(vertx, registry, this::notReady, this::readyDetails);
            adminPort = await(admin.start(config.admin().host(), config.admin().port()),
                    "admin listener on " + config.admin().listen() + " did not start");
        }
        LOG.info("redactd started engine={} workers={} inputs={} outputs={} admin={} state_dir={} chain={} "
                        + "admission_bytes={}/{}",
                plan.engineName(), config.pipeline().workers(), describe(config.inputs()), describe(config.outputs()),
                config.admin().enabled() ? config.admin().host() + ":" + adminPort : "off", stateDir,
                chain == null ? "off" : chain.stream() + "@" + chain.lastSeq(),
                pipeline.admissionBudget().highWater(), pipeline.admissionBudget().lowWater());
    }

    private static HashChain openChain(IntegrityConfig integrity, Path stateDir) throws StartException {
        try {
            return HashChain.open(stateDir, integrity.effectiveStreamName(), integrity.checkpointPolicy(),
                    System.currentTimeMillis());
        } catch (IOException e) {
            throw new StartException("integrity chain state in " + stateDir + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The output's own batching, or for local outputs a short wait: a file or terminal gains nothing from waiting. */
    private static BatchConfig batchOf(Object outputConfig) {
        if (outputConfig instanceof ElasticsearchOutputConfig es) {
            return es.batch();
        }
        if (outputConfig instanceof SplunkHecOutputConfig hec) {
            return hec.batch();
        }
        return LOCAL_BATCH;
    }

    /** Leak alerts: the manager beside the pipeline, its targets and the canary self-test. */
    private void startAlerts(RedactdConfig config, DetectionPlan plan, String host) throws StartException {
        List<AlertTarget> targets;
        try {
            targets = AlertManager.targets(vertx, config.alerts(), System.getenv());
        } catch (IllegalArgumentException e) {
            throw new StartException("alerts: " + e.getMessage(), e);
        }
        alerts = new AlertManager(vertx, config.alerts(), host, targets, pipeline, registry);
        pipeline.alertsTo(alerts);
        if (config.alerts().canary().enabled()) {
            canary = new Canary(vertx, pipeline, alerts, plan.detectors(), config.alerts().canary().intervalDuration(), registry);
            canary.start();
        }
    }

    /** Extra /readyz lines: the canary's last result and degraded alert targets. */
    private List<String> readyDetails() {
        List<String> lines = new ArrayList<>();
        if (canary != null) {
            lines.add("canary: " + canary.state());
        }
        if (alerts != null) {
            alerts.degraded().forEach(d -> lines.add("degraded: " + d));
        }
        return lines;
    }

    private static String describe(List<? extends ConfiguredComponent<?, ?>> cs) {
        return cs.stream().map(c -> c.id() + ":" + c.type().name()).collect(Collectors.joining(",", "[", "]"));
    }

    private List<String> componentsNotReady() {
        List<String> missing = new ArrayList<>();
        if (!inputsOpen) {
            missing.add("inputs");
        }
        if (canary != null && canary.failedClosed()) {
            missing.add("forwarding (stopped: the canary self-test came out unredacted)");
        }
        for (Output o : outputs) {
            if (!o.ready()) {
                String reason = o.notReadyReason(); // why, and since when (statuses, hosts; never event data)
                missing.add("output " + o.id() + (reason == null ? "" : " (" + reason + ")"));
            }
        }
        String bufferProblem = fanOut == null ? null : fanOut.problem();
        if (bufferProblem != null) {
            missing.add(bufferProblem);
        }
        return missing;
    }

    /**
     * {@link #componentsNotReady} plus the state dir: failing state writes and a lost lock file. Only /readyz sees
     * these, not the systemd watchdog ({@link #whileReady}): a restart does not make a read-only volume writable, and
     * with the state dir lost it would throw away what the (unlinked) buffer still holds; that case ends in an exit of
     * its own once the outputs have it.
     */
    List<String> notReady() {
        List<String> missing = componentsNotReady();
        String lost = stateLost;
        if (lost != null) {
            missing.add(lost);
        }
        if (fanOut != null) {
            missing.addAll(fanOut.commitProblems());
        }
        if (stateHealth != null) {
            missing.addAll(stateHealth.problems());
        }
        return missing;
    }

    /** Every second, off the event loop: are state writes working, and is the state dir's lock file still ours? */
    synchronized void checkState() {
        stateHealth.check();
        if (stateLost != null || stateLock == null) {
            if (stateLost != null && !exitRequest.future().isComplete() && caughtUpNow()) {
                LOG.error("state_dir {}: every output has delivered what the buffer held; exiting so that the "
                        + "supervisor starts redactd again on a fresh state_dir", stateDir);
                exitRequest.tryComplete(stateLost);
            }
            return;
        }
        String lost = stateLock.lostReason();
        if (lost != null) {
            stateLost(lost);
        }
    }

    /**
     * The lock file vanished (state_dir deleted) or was replaced: fail closed. Another redactd may now lock a new file
     * at that path and ship the same input, and the buffer's segments are unlinked files, so a restart now would lose
     * what they hold that the outputs have not delivered. So: no input is acknowledged any more (the pipeline refuses
     * batches; inputs back off and read them again after the restart), the lock is taken again on the path if it can
     * be, the outputs go on delivering what the buffer holds, and once they have all of it the daemon asks to exit
     * ({@link #exitRequested}) so its supervisor starts it clean. Re-creating the state in place instead would mean
     * rewriting the buffer's undelivered segments, cursors and chain head into a directory something else just
     * deleted: more to get wrong than a restart, which rebuilds all of it.
     */
    private void stateLost(String what) {
        stateLost = "state_dir lost since " + java.time.Instant.ofEpochMilli(System.currentTimeMillis()) + " (" + what
                + "): forwarding stopped, redactd exits once the outputs have delivered the buffer";
        LOG.error("state_dir lock lost: {}. Another redactd could now start on {}, and the disk buffer's segments are "
                + "deleted files: no input is acknowledged from now on, the outputs deliver what the buffer holds, then "
                + "redactd exits (status 75) for its supervisor to restart it on a fresh state_dir", what, stateDir);
        if (pipeline != null) {
            pipeline.stopForwarding("state_dir lost (" + what + ")");
        }
        try {
            // The buffer's cursor directory too: cursor commits then work again in the new directory, so the outputs'
            // progress is recorded (the exit waits for it), and the restart finds the cursors at the buffer's end.
            Files.createDirectories(bufferCursors);
            relock = StateDirLock.tryAcquire(stateDir);
            if (relock == null) {
                LOG.error("state_dir {} is locked by another redactd now ({})", stateDir, StateDirLock.holder(stateDir));
            }
        } catch (IOException e) {
            LOG.warn("state_dir {} cannot be locked again: {}", stateDir, e.getClass().getSimpleName());
        }
    }

    /** Every output has delivered everything in the buffer (its cursor committed at the end). */
    private boolean caughtUpNow() {
        if (fanOut == null) {
            return true;
        }
        for (Output o : outputs) {
            if (fanOut.buffer().cursor(o.id()).lagBytes() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Completes with the reason when the daemon cannot go on and should be restarted by its supervisor (the state
     * dir was lost: see {@link #stateLost}); the caller then stops it and exits non-zero. Never completes otherwise.
     */
    public Future<String> exitRequested() {
        return exitRequest.future();
    }

    /**
     * Drains: inputs stop reading and wait for their in-flight batches (then commit positions), the pipeline empties,
     * outputs flush and close. Bounded by {@code timeout}; what cannot finish in time is logged, never hidden.
     */
    public void stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        inputsOpen = false;
        vertx.cancelTimer(stateTimer);
        // While the buffer takes no appends (a full disk, a failed fsync), batches in flight cannot be written: waiting
        // the whole drain timeout for them only delays the stop (12 s, with the inputs retrying into a closed buffer).
        // They were never acknowledged, so their inputs read them again at the next start.
        long drainDeadline = deadline;
        String stuck = fanOut == null ? null : fanOut.problem();
        if (stuck != null) {
            drainDeadline = Math.min(deadline, System.nanoTime() + STUCK_DRAIN.toNanos());
            LOG.warn("stopping while the {}: batches in flight are not written, their inputs read them again at the "
                    + "next start", stuck);
        }
        List<Future<Void>> stops = new ArrayList<>();
        for (Input in : inputs) {
            stops.add(in.stop());
        }
        awaitQuietly(Future.join(stops).mapEmpty(), drainDeadline, "inputs did not stop");
        if (pipeline != null) {
            awaitQuietly(pipeline.drain(), drainDeadline, "pipeline did not drain");
        }
        if (alerts != null) {
            // Open windows are summarized and written before the outputs close; a dead target gets a short grace.
            if (canary != null) {
                canary.stop();
            }
            long grace = System.nanoTime() + Math.min(TimeUnit.SECONDS.toNanos(2), Math.max(0, deadline - System.nanoTime()) / 3);
            awaitQuietly(alerts.stop(), grace, "alerts were not all delivered");
            awaitQuietly(pipeline.drain(), deadline, "pipeline did not drain the alert events");
        }
        if (delivery != null) {
            awaitQuietly(delivery.close(), stuck != null ? drainDeadline : deadline, "integrity chain did not seal");
        }
        if (fanOut != null) {
            // What is buffered and not yet delivered stays in the buffer for the next start; outputs that can deliver
            // get until the deadline to catch up, so a clean stop normally leaves the buffer empty.
            awaitQuietly(caughtUp(deadline), deadline, "outputs did not catch up with the buffer");
            awaitQuietly(fanOut.stop(), deadline, "outputs did not flush");
        }
        if (admin != null) {
            awaitQuietly(admin.stop(), deadline, "admin listener did not close");
        }
        if (alerts != null) {
            awaitQuietly(alerts.close(), deadline, "alert targets did not close");
        }
        if (pipeline != null) {
            awaitQuietly(pipeline.close(), deadline, "detection workers did not stop");
        }
        awaitQuietly(vertx.close(), deadline, "vert.x did not close");
        if (relock != null) {
            try {
                relock.close();
            } catch (IOException e) {
                LOG.warn("state_dir lock not released: {}", e.getClass().getSimpleName());
            }
        }
        if (stateLock != null) {
            try {
                stateLock.close();
            } catch (IOException e) {
                LOG.warn("state_dir lock not released: {}", e.getClass().getSimpleName());
            }
        }
        LOG.info("redactd stopped");
    }

    /**
     * Reload (SIGHUP): the new detectors take effect for every batch detected from now on; inputs, outputs, the chain
     * and the buffer keep running, so no event is dropped.
     */
    public void reloadDetectors(DetectionPlan plan) {
        if (pipeline != null) {
            pipeline.replacePlan(plan);
            if (canary != null) {
                canary.detectorsReloaded(plan.detectors());
            }
            LOG.info("detectors reloaded engine={} detectors={}", plan.engineName(), plan.detectors().size());
        }
    }

    /** Reload (SIGHUP): every TLS listener re-reads its certificate and key now rather than at its next check. */
    public void reloadCertificates() {
        vertx.eventBus().publish(ListenerTls.RELOAD_ADDRESS, null);
    }

    /**
     * Reload (SIGHUP) of the alert policy: source rules, severities, window, rate limit and line limit apply from the
     * next finding on. Settings fixed at start (targets, queue, canary, on/off) are left as they are and logged as
     * needing a restart, naming the keys only.
     */
    public void reloadAlerts(AlertsConfig next) {
        AlertsConfig current = alertsConfig;
        List<String> fixed = AlertManager.restartNeeded(current, next);
        if (!fixed.isEmpty()) {
            LOG.warn("reload: {} changed; these take effect at the next restart", String.join(", ", fixed));
        }
        if (alerts == null) {
            return;
        }
        try {
            await(alerts.reload(next), "alert policy reload");
        } catch (StartException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        alertsConfig = next;
        LOG.info("alert policy reloaded rules={} window={} rate_per_second={} burst={}", next.sources().size(),
                next.window(), next.ratePerSecond(), next.burst());
    }

    /**
     * Runs {@code action} every {@code interval} from an event-loop timer (off the loop, as it may block briefly),
     * skipping ticks while an input or output is not ready.
     */
    public void whileReady(Duration interval, Runnable action) {
        vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> {
            if (componentsNotReady().isEmpty()) {
                vertx.executeBlocking(() -> {
                    action.run();
                    return null;
                }, false);
            }
        });
    }

    /** Completes when every output that can deliver has delivered everything in the buffer (or near the deadline). */
    private Future<Void> caughtUp(long deadlineNanos) {
        Promise<Void> done = Promise.promise();
        vertx.setPeriodic(10, id -> {
            boolean behind = false;
            for (Output o : outputs) {
                behind |= o.ready() && fanOut.buffer().cursor(o.id()).lagBytes() > 0;
            }
            if (!behind || System.nanoTime() > deadlineNanos - Duration.ofSeconds(1).toNanos()) {
                vertx.cancelTimer(id);
                done.tryComplete();
            }
        });
        return done.future();
    }

    public int adminPort() {
        return adminPort;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void lockStateDir(Path dir) throws StartException {
        try {
            stateLock = StateDirLock.tryAcquire(dir);
        } catch (IOException e) {
            // e.g. a network file system without locks: the reason is the operator's only clue
            throw new StartException("state_dir " + dir + " cannot be locked (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); it must be a local directory", e);
        }
        if (stateLock == null) {
            throw new StartException("state_dir " + dir + " is in use by another redactd (" + StateDirLock.holder(dir)
                    + "); each daemon needs its own state_dir", null);
        }
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
