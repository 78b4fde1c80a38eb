package io.redactd.daemon.input.file;

import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.daemon.input.Input;
import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.tls.LogThrottle;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The {@code type: file} input: tails the files matched by the globs and hands their lines on as batches.
 *
 * <p>Threads: all file work (discovery, reading, rotation handling) runs in rounds on one dedicated worker thread,
 * never on the event loop. The input's event-loop context schedules rounds (poll timer, change notifications,
 * acknowledgements), submits the batches a round produced, and tracks acknowledgements. A file with
 * {@code max_batches_in_flight} unacknowledged batches is not read until one completes, so a slow pipeline slows
 * reading and memory stays bounded. Offsets are committed in order as acknowledgements arrive and written to
 * {@code state_dir} atomically; a crash re-reads at most the batches that were in flight.
 */
public final class FileInput implements Input {

    private static final Logger LOG = LoggerFactory.getLogger(FileInput.class);
    private static final long RETENTION_MS = TimeUnit.HOURS.toMillis(24);
    private static final int MAX_RETAINED = 10_000;
    private static final long STOP_WAIT_MS = 10_000;
    private static final long MAX_RETRY_DELAY_MS = 30_000;
    /**
     * How much older than the clock a file's modification time may read: kernels stamp files from a coarse clock, and
     * some file systems keep whole (or even two) seconds, so a file written just after start can look older.
     */
    private static final long MTIME_SLACK_MS = 2_000;
    /**
     * A file found unchanged by this many polls in a row is polled at most once a second (or every poll_interval_ms,
     * if longer) until it grows or a change event names its directory: with thousands of idle files, an fstat of
     * each every 250 ms was most of the idle CPU. Writes, truncations and renames in a watched directory still wake
     * the file at once; only where no change events come (an unwatched directory, a network file system) does a
     * long-idle file take up to a second to be read.
     */
    private static final int IDLE_POLLS = 4;
    private static final long IDLE_POLL_MS = 1_000;
    /**
     * While change events cover every directory the globs reach (each one watched, none lost), they start a scan at
     * once for every create, delete or rename, and the periodic scan is only a safety net: it runs this many times
     * less often than glob_interval_ms (10 s by default). A walk of tens of thousands of files every second was the
     * rest of the idle CPU.
     */
    private static final int WATCHED_SCAN_FACTOR = 10;

    private final Vertx vertx;
    private final FileInputConfig config;
    private final EventSink sink;
    private final LogThrottle splitLog = new LogThrottle(1000);
    private final LogThrottle unparsedLog = new LogThrottle(1000);
    /** Out of descriptors: said once a minute while it lasts (a scan runs every second). */
    private final LogThrottle fdLog = new LogThrottle(60_000);
    private final Checkpoints checkpoints;
    private final FileInputMetrics metrics;
    private final Discovery discovery;
    private final long rotateWaitNanos;
    private final FdBudget fds;
    private final Runnable releaseFd;
    /** The read buffer of the reading thread, shared by all its files (see {@link ReadBuffer}). */
    private final ReadBuffer chunk = new ReadBuffer();

    /** Open files by device:inode. Structure changed by the reading thread only. */
    private final Map<String, FileSource> sources = new ConcurrentHashMap<>();
    /** Checkpoints of files not open now (let go, or not found yet), by device:inode. */
    private final Map<String, Checkpoints.Entry> retained = new ConcurrentHashMap<>();

    // Reading thread.
    private boolean firstDiscovery = true;
    /** When the checkpoint found at start was written; -1 on a first run. */
    private long stateWrittenMs = -1;
    /**
     * Rotated siblings last modified before this are not ours to read: older than this input's first run on this
     * state, or possibly read and forgotten since. Persisted with the checkpoint (read there on the writer thread).
     */
    private volatile long createdMs = -1;
    private volatile long forgottenMs;
    /** Names the globs matched, by directory: files named like one plus a rotation suffix are its generations. */
    private final Map<Path, Set<String>> rotationBases = new LinkedHashMap<>();
    private int rotationBaseCount;
    /** Test hook: while set, rounds skip discovery, as on a starved machine where scans fall far behind writers. */
    private boolean discoveryHeld;
    private final Object discoveryGate = new Object();
    /** Discovery rounds completed (for tests to wait on a scan instead of a time). */
    private final java.util.concurrent.atomic.AtomicLong discoveries = new java.util.concurrent.atomic.AtomicLong();
    private final Set<Path> watchedDirs = new HashSet<>();
    private final Set<Path> openProblems = new HashSet<>();
    /** Hashes of directories with change events since the last round (from the watch thread). */
    private final Set<Integer> changedDirs = ConcurrentHashMap.newKeySet();
    /** Change events were lost (inotify queue overflow): poll every file in the next round. */
    private volatile boolean changesLost;
    private final long idlePollNanos;
    private final long pollNanos;
    /** Every directory the globs reach is watched (set by the reading thread after each scan). */
    private volatile boolean allWatched;
    /** Matched files the last scan could not open for want of descriptors (reading thread). */
    private int waitingFiles;

    // Event-loop context.
    private Context ctx;
    private WorkerExecutor reader;
    private WorkerExecutor stateWriter;
    private volatile WatchService watch;
    private long pollTimer = -1;
    private long lastDiscoveryNanos;
    private boolean roundRunning;
    private boolean sending;
    private final java.util.ArrayDeque<Object[]> toSend = new java.util.ArrayDeque<>();
    private boolean roundRequested;
    /** The pipeline's shared admission budget is exhausted: it calls back (a new round) once it has room. */
    private boolean awaitingRoom;
    /** Rounds run (reading thread): where the next round starts among the files. */
    private long roundSerial;
    private boolean discoveryRequested;
    private boolean checkpointWriting;
    private boolean checkpointDirty;
    private boolean checkpointFailing;
    private boolean stopping;
    private boolean stopFinishing;
    private long stopTimer = -1;
    private Promise<Void> stopPromise;

    /**
     * @param stateDir where offsets are kept ({@code file-<id>.json}); created if missing
     * @param registry meters are registered here with tag {@code input=<id>}
     * @throws IllegalArgumentException if the config is invalid (the message lists every problem with its key)
     */
    public FileInput(Vertx vertx, FileInputConfig config, EventSink sink, Path stateDir, MeterRegistry registry) {
        this(vertx, config, sink, stateDir, registry, FdBudget.process());
    }

    /** @param fds the open-file budget this input draws on (the process's, except in tests) */
    FileInput(Vertx vertx, FileInputConfig config, EventSink sink, Path stateDir, MeterRegistry registry,
              FdBudget fds) {
        List<String> problems = new ArrayList<>(config.validate());
        if (config.id() == null || config.id().isBlank()) {
            problems.add(0, "id: must not be empty");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("file input '" + config.id() + "': " + String.join("; ", problems));
        }
        this.vertx = vertx;
        this.config = config;
        this.sink = sink;
        this.checkpoints = new Checkpoints(stateDir, config.id(), sink::shown);
        this.fds = fds;
        this.releaseFd = fds::release;
        this.metrics = new FileInputMetrics(registry, config.id(), this::tailLagBytes);
        this.discovery = new Discovery(config.paths(), config.exclude(), (path, reason) -> {
            LOG.warn("file input '{}': cannot read {} ({}); it is skipped until this is fixed", config.id(),
                    shown(path), reason.replace('_', ' '));
            metrics.problem(reason);
        });
        this.rotateWaitNanos = TimeUnit.MILLISECONDS.toNanos(config.rotateWaitMs());
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(config.pollIntervalMs());
        this.idlePollNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(IDLE_POLL_MS, config.pollIntervalMs()));
    }

    @Override
    public String id() {
        return config.id();
    }

    @Override
    public Future<Void> start() {
        ctx = vertx.getOrCreateContext();
        Promise<Void> started = Promise.promise();
        ctx.runOnContext(v -> {
            // One thread each, so rounds never overlap and checkpoint writes never overlap; separate threads, so
            // a slow fsync never delays reading. (Ordered executeBlocking would queue both behind each other.)
            reader = vertx.createSharedWorkerExecutor("redactd-file-" + config.id(), 1);
            stateWriter = vertx.createSharedWorkerExecutor("redactd-file-state-" + config.id(), 1);
            startWatching();
            roundRunning = true;
            lastDiscoveryNanos = System.nanoTime();
            reader.executeBlocking(() -> {
                loadCheckpoints();
                return round(true);
            }, false).onComplete(ar -> {
                roundDone(ar);
                if (ar.failed()) {
                    closeWatch();
                    reader.close();
                    stateWriter.close();
                    started.fail(ar.cause());
                    return;
                }
                if (!stopping) {
                    pollTimer = vertx.setPeriodic(config.pollIntervalMs(), id -> tick());
                }
                LOG.info("file input '{}': started, {} files open, state in {}", config.id(), sources.size(),
                        checkpoints.file());
                started.complete();
            });
        });
        return started.future();
    }

    @Override
    public Future<Void> stop() {
        Promise<Void> done = Promise.promise();
        if (ctx == null) {
            done.complete();
            return done.future();
        }
        ctx.runOnContext(v -> {
            if (stopPromise != null) {
                stopPromise.future().onComplete(done);
                return;
            }
            stopPromise = done;
            stopping = true;
            vertx.cancelTimer(pollTimer);
            closeWatch();
            stopTimer = vertx.setTimer(STOP_WAIT_MS, id -> finishStop(true));
            checkStopped();
        });
        return done.future();
    }

    /** Bytes not yet acknowledged, per file path. */
    /** A path for the daemon's log, as the detectors would forward it (file names can hold PHI). */
    private String shown(Object path) {
        return path == null ? null : printable(sink.shown(path.toString()));
    }

    /** Control characters escaped: a file name with a newline must not forge a line of the daemon's log. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                b.append(String.format("\\x%02x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * An I/O error for the daemon's log: its kind and the system's reason, not its message, which holds the path.
     */
    static String why(Throwable e) {
        String reason = e instanceof java.nio.file.FileSystemException f ? f.getReason() : null;
        return e.getClass().getSimpleName() + (reason != null ? ": " + reason : "");
    }

    public Map<String, Long> tailLagByPath() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (FileSource s : sources.values()) {
            out.merge(s.path().toString(), s.lag, Long::sum);
        }
        return out;
    }

    /** Bytes not yet acknowledged, over all open files (feeds {@code redactd.file.tail.lag.bytes}). */
    public long tailLagBytes() {
        long sum = 0;
        for (FileSource s : sources.values()) {
            sum += s.lag;
        }
        return sum;
    }

    /**
     * One line per open file: path, offsets and flow state, for diagnostics in tests; read without synchronisation,
     * so values are approximate while the input runs. No content.
     */
    List<String> describeFiles() {
        List<String> out = new ArrayList<>();
        for (FileSource s : sources.values()) {
            out.add(s.path() + " key=" + s.key + " read=" + s.tailer.lineOffset() + " committed=" + s.committed()
                    + " size=" + s.size + " inFlight=" + s.inFlight.get() + " pending=" + s.pending.size()
                    + " orphan=" + s.orphan + " drained=" + s.drained);
        }
        out.add("roundRunning=" + roundRunning + " roundRequested=" + roundRequested + " toSend=" + toSend.size()
                + " sending=" + sending);
        return out;
    }

    /**
     * Holds or lets go discovery (tests only): while held, no glob scan runs, so rotations pile up between two scans
     * as they do when the input is CPU-starved.
     */
    void holdDiscovery(boolean held) {
        // Under the gate: once this returns, no scan is running and, if held, none starts.
        synchronized (discoveryGate) {
            discoveryHeld = held;
        }
    }

    /** Discovery rounds completed so far. */
    long discoveries() {
        return discoveries.get();
    }

    /** Files open now (including renamed or deleted files still being read to their end). */
    public int openFiles() {
        return sources.size();
    }

    // ---------------------------------------------------------------- event-loop side

    private void tick() {
        long interval = allWatched ? (long) WATCHED_SCAN_FACTOR * config.globIntervalMs() : config.globIntervalMs();
        boolean discover = System.nanoTime() - lastDiscoveryNanos >= TimeUnit.MILLISECONDS.toNanos(interval);
        requestRound(discover);
        maybeWriteCheckpoint();
    }

    private void requestRound(boolean discover) {
        if (stopping) {
            return;
        }
        discoveryRequested |= discover;
        if (roundRunning) {
            roundRequested = true;
            return;
        }
        roundRunning = true;
        boolean d = discoveryRequested;
        discoveryRequested = false;
        if (d) {
            lastDiscoveryNanos = System.nanoTime();
        }
        try {
            reader.executeBlocking(() -> round(d), false).onComplete(this::roundDone);
        } catch (RejectedExecutionException e) {
            // Vert.x is shutting down without a stop(): nothing more can run.
            roundRunning = false;
        }
    }

    private void roundDone(AsyncResult<Round> ar) {
        roundRunning = false;
        if (ar.failed()) {
            LOG.error("file input '{}': reading round failed ({})", config.id(), ar.cause().toString());
        } else {
            Round r = ar.result();
            for (Produced p : r.batches) {
                FileSource.Pending pending = new FileSource.Pending(p.batch, p.position, p.epoch);
                p.source.pending.addLast(pending);
                toSend.addLast(new Object[]{p.source, pending});
            }
            sendQueued();
            if (!awaitingRoom && sink.awaitRoom(config.id(), () -> ctx.runOnContext(v -> {
                awaitingRoom = false;
                requestRound(false);
            }))) {
                awaitingRoom = true;
            }
            if (r.changed) {
                markDirty();
            }
            if (r.more) {
                roundRequested = true;
            }
            if (r.rescan) {
                discoveryRequested = true;
                roundRequested = true;
            }
        }
        if (stopping) {
            checkStopped();
        } else if (roundRequested) {
            roundRequested = false;
            requestRound(false);
        }
    }

    /**
     * Submits queued batches in order. A completed future runs its callbacks inline, so a submission can start and
     * even finish the next round inside this loop; the guard makes such a nested call only queue its batches, keeping
     * each file's batches in read order.
     */
    private void sendQueued() {
        if (sending) {
            return;
        }
        sending = true;
        try {
            Object[] next;
            while ((next = toSend.pollFirst()) != null) {
                send((FileSource) next[0], (FileSource.Pending) next[1]);
            }
        } finally {
            sending = false;
        }
    }

    private void send(FileSource source, FileSource.Pending pending) {
        Future<Void> f;
        try {
            f = sink.submit(pending.batch);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
            if (Vertx.currentContext() == ctx) {
                acked(source, pending, ar);
            } else {
                ctx.runOnContext(v -> acked(source, pending, ar));
            }
        });
    }

    private void acked(FileSource source, FileSource.Pending pending, AsyncResult<Void> ar) {
        if (ar.failed()) {
            metrics.sinkFailures.increment();
            long delay = Math.min(MAX_RETRY_DELAY_MS, 250L << Math.min(pending.attempts, 10));
            pending.attempts++;
            LOG.warn("file input '{}': pipeline did not take batch of {} events from {} ({}); retrying in {} ms",
                    config.id(), pending.batch.events().size(), shown(source.path()), ar.cause().getClass().getSimpleName(),
                    delay);
            vertx.setTimer(delay, id -> send(source, pending));
            return;
        }
        pending.done = true;
        long position = -1;
        long epoch = 0;
        while (!source.pending.isEmpty() && source.pending.peekFirst().done) {
            FileSource.Pending head = source.pending.pollFirst();
            position = head.position;
            epoch = head.epoch;
            source.inFlight.decrementAndGet();
        }
        if (position >= 0 && source.commit(epoch, position)) {
            markDirty();
        }
        if (stopping) {
            checkStopped();
        } else {
            requestRound(false);
        }
    }

    private void markDirty() {
        checkpointDirty = true;
        maybeWriteCheckpoint();
    }

    /** Writes the checkpoint if it changed; writes never overlap and are ordered on this context. */
    private void maybeWriteCheckpoint() {
        if (checkpointWriting || !checkpointDirty || stopFinishing) {
            return;
        }
        checkpointWriting = true;
        checkpointDirty = false;
        Future<Object> written;
        try {
            written = stateWriter.executeBlocking(() -> {
                checkpoints.write(snapshot(), bounds());
                return null;
            }, false);
        } catch (RejectedExecutionException e) {
            return; // Vert.x is shutting down without a stop()
        }
        written.onComplete(ar -> {
            checkpointWritten(ar);
            if (config.checkpointIntervalMs() > 0) {
                vertx.setTimer(config.checkpointIntervalMs(), id -> {
                    checkpointWriting = false;
                    maybeWriteCheckpoint();
                });
            } else {
                checkpointWriting = false;
                maybeWriteCheckpoint();
            }
            if (stopping) {
                checkStopped();
            }
        });
    }

    private void checkpointWritten(AsyncResult<?> ar) {
        if (ar.succeeded()) {
            metrics.checkpointWrites.increment();
            if (checkpointFailing) {
                LOG.info("file input '{}': checkpoint writes to {} work again", config.id(), checkpoints.file());
            }
            checkpointFailing = false;
        } else {
            metrics.checkpointFailures.increment();
            checkpointDirty = true;
            if (!checkpointFailing) {
                LOG.error("file input '{}': cannot write checkpoint {} ({}); offsets are kept in memory and the "
                        + "write is retried", config.id(), checkpoints.file(), ar.cause().toString());
            }
            checkpointFailing = true;
        }
    }

    private void checkStopped() {
        if (!stopping || stopFinishing || roundRunning) {
            return;
        }
        for (FileSource s : sources.values()) {
            if (s.inFlight.get() > 0) {
                return;
            }
        }
        finishStop(false);
    }

    private void finishStop(boolean timedOut) {
        if (stopFinishing) {
            return;
        }
        stopFinishing = true;
        vertx.cancelTimer(stopTimer);
        if (timedOut) {
            int unacked = sources.values().stream().mapToInt(s -> s.inFlight.get()).sum();
            LOG.warn("file input '{}': {} batches still unacknowledged after {} ms; their lines are read again on "
                    + "the next start", config.id(), unacked, STOP_WAIT_MS);
        }
        // Queued behind any checkpoint write in progress on the same single thread.
        stateWriter.executeBlocking(() -> {
            checkpoints.write(snapshot(), bounds());
            return null;
        }, false).onComplete(ar -> {
            checkpointWritten(ar);
            reader.executeBlocking(() -> {
                for (FileSource s : sources.values()) {
                    closeQuietly(s);
                }
                return null;
            }, false).onComplete(closed -> {
                reader.close();
                stateWriter.close();
                LOG.info("file input '{}': stopped", config.id());
                if (ar.succeeded()) {
                    stopPromise.complete();
                } else {
                    stopPromise.fail(ar.cause());
                }
            });
        });
    }

    // ---------------------------------------------------------------- change notifications

    private void startWatching() {
        try {
            WatchService ws = FileSystems.getDefault().newWatchService();
            watch = ws;
            Thread t = new Thread(() -> watchLoop(ws), "redactd-file-watch-" + config.id());
            t.setDaemon(true);
            t.start();
        } catch (IOException e) {
            LOG.warn("file input '{}': no change notifications ({}); polling every {} ms", config.id(), e,
                    config.pollIntervalMs());
        }
    }

    private void watchLoop(WatchService ws) {
        try {
            while (true) {
                WatchKey key = ws.take();
                boolean structural = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    structural |= event.kind() != StandardWatchEventKinds.ENTRY_MODIFY;
                    changesLost |= event.kind() == StandardWatchEventKinds.OVERFLOW;
                }
                // Before the round is requested, so that round (or the one after it) polls this directory's files.
                changedDirs.add(key.watchable().hashCode());
                key.reset();
                boolean discover = structural;
                ctx.runOnContext(v -> requestRound(discover));
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            // Vert.x is closed: nothing left to notify.
        }
    }

    private void closeWatch() {
        WatchService ws = watch;
        watch = null;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // closing; nothing to do
            }
        }
    }

    // ---------------------------------------------------------------- reading thread

    /** What one round produced, handed back to the event-loop context. */
    private static final class Round {
        final List<Produced> batches = new ArrayList<>();
        boolean more;
        boolean changed;
        /** The budget (or the system) refused a descriptor during this scan: the other new files wait too. */
        boolean outOfDescriptors;
        /** Matched files left unopened for want of descriptors. */
        int waiting;
        /** Directories were newly watched: scan once more for files made before their watch. */
        boolean rescan;
    }

    private record Produced(FileSource source, RawBatch batch, long position, long epoch) {
    }

    private void loadCheckpoints() throws IOException {
        Files.createDirectories(checkpoints.file().getParent());
        if (Files.exists(checkpoints.file())) {
            stateWrittenMs = Files.getLastModifiedTime(checkpoints.file()).toMillis();
        }
        retained.putAll(checkpoints.load());
        Checkpoints.Header h = checkpoints.header();
        forgottenMs = h.forgottenMs();
        if (h.createdMs() >= 0) {
            createdMs = h.createdMs();
        } else if (stateWrittenMs < 0) {
            createdMs = System.currentTimeMillis();
        } else {
            // A state from before the bounds were kept: the oldest time it vouches for.
            long since = stateWrittenMs;
            for (Checkpoints.Entry e : retained.values()) {
                since = Math.min(since, e.updatedMs());
            }
            createdMs = since;
        }
    }

    private Checkpoints.Header bounds() {
        return new Checkpoints.Header(createdMs, forgottenMs);
    }

    private Round round(boolean discover) {
        Round r = new Round();
        long now = System.nanoTime();
        long nowMs = System.currentTimeMillis();
        if (discover) {
            synchronized (discoveryGate) {
                if (!discoveryHeld) {
                    discover(r, now, nowMs);
                    discoveries.incrementAndGet();
                }
            }
        }
        Set<Integer> changed = Set.of();
        if (!changedDirs.isEmpty()) {
            changed = new HashSet<>();
            for (Integer dir : changedDirs) {
                changedDirs.remove(dir);
                changed.add(dir);
            }
        }
        boolean pollAll = changesLost;
        changesLost = false;
        // Every input shares the pipeline's byte budget: a round reads at most what it has room for, nothing while it
        // is exhausted (roundDone then asks to be called back). The first file served moves on every round, so a
        // budget that runs out within rounds does not always leave the same files unread.
        long room = sink.admissionRoom();
        List<FileSource> order = new ArrayList<>(sources.values());
        java.util.Collections.rotate(order, -(int) (roundSerial++ % Math.max(1, order.size())));
        for (FileSource s : order) {
            if (s.drained) {
                if (s.inFlight.get() == 0) {
                    release(s, r, nowMs);
                }
                continue;
            }
            if (!pollAll && s.idlePolls >= IDLE_POLLS && now - s.lastPollNanos < idlePollNanos - pollNanos / 2
                    && !s.orphan && !changed.contains(s.dirHash) && !s.assembler.hasPending()) {
                continue; // idle for a while and no change event for its directory: polled less often
            }
            s.lastPollNanos = now;
            try {
                long start = s.tailer.bytesRead();
                // Up to the file's free credit in one round: fewer hops between threads when a file has a backlog.
                while (s.inFlight.get() < config.maxBatchesInFlight() && !s.drained
                        && s.tailer.bytesRead() - start < room && read(s, r, now, nowMs)) {
                    r.more = true;
                }
                room -= s.tailer.bytesRead() - start;
            } catch (IOException e) {
                LOG.warn("file input '{}': reading {} failed at offset {} ({}); letting it go", config.id(),
                        shown(s.path()), s.tailer.lineOffset(), why(e));
                s.tailer.flushPartial(s.assembler);
                s.assembler.flushAll();
                produce(s, r);
                s.drained = true;
            }
        }
        return r;
    }

    /** Reads one batch's worth; true if the file has more to read right away. */
    private boolean read(FileSource s, Round r, long now, long nowMs) throws IOException {
        s.assembler.readTime(nowMs);
        long before = s.tailer.bytesRead();
        Tailer.Outcome outcome = s.tailer.read(s.assembler);
        long read = s.tailer.bytesRead() - before;
        if (read > 0) {
            metrics.bytes.increment(read);
            s.lastGrowthNanos = now;
        }
        if (read > 0 || outcome != Tailer.Outcome.EOF) {
            s.idlePolls = 0;
        } else if (s.idlePolls < IDLE_POLLS) {
            s.idlePolls++;
        }
        boolean more = false;
        switch (outcome) {
            case TRUNCATED -> {
                truncated(s, r);
                more = true;
            }
            case MORE -> more = true;
            case EOF -> {
                if (s.orphan && now - s.lastGrowthNanos >= rotateWaitNanos) {
                    s.tailer.flushPartial(s.assembler);
                    s.assembler.flushAll();
                    s.drained = true;
                    r.more = true;
                } else {
                    s.assembler.flushIfIdle(now);
                }
            }
        }
        produce(s, r);
        if (outcome == Tailer.Outcome.EOF) {
            s.assembler.trim();
        }
        long size = s.tailer.observedSize();
        s.size = size;
        s.refresh();
        s.lag = Math.max(0, size - s.committed());
        return more;
    }

    private void produce(FileSource s, Round r) {
        List<RawEvent> events = s.assembler.takeBatch();
        if (events.isEmpty()) {
            return;
        }
        long position = events.get(events.size() - 1).position();
        s.inFlight.incrementAndGet();
        r.batches.add(new Produced(s, new RawBatch(s.sourceId, config.id(), events), position, s.epoch()));
        metrics.events.increment(events.size());
        long split = s.assembler.splitPieces();
        if (split > s.splitCounted) {
            metrics.lineTooLong.increment(split - s.splitCounted);
            // Never with content: the pieces are forwarded, flagged log.flags=split. At most a line a second (a file
            // of long lines would say it every batch); the counter has every piece.
            long pieces = split - s.splitCounted;
            splitLog.log(suppressed -> LOG.warn("file input '{}': {} piece(s) of lines longer than max_line_bytes={} "
                    + "in {} before offset {}; forwarded split and flagged ({} similar lines suppressed)", config.id(),
                    pieces, config.maxLineBytes(), shown(s.path()), position, suppressed));
            s.splitCounted = split;
        }
        long unparsed = s.assembler.unparsedLines();
        if (unparsed > s.unparsedCounted) {
            metrics.unparsed.increment(unparsed - s.unparsedCounted);
            long lines = unparsed - s.unparsedCounted;
            unparsedLog.log(suppressed -> LOG.warn("file input '{}': {} line(s) in {} before offset {} did not parse "
                    + "as format {}; forwarded as raw text flagged log.flags=unparsed ({} similar lines suppressed)",
                    config.id(), lines, shown(s.path()), position, config.format(), suppressed));
            s.unparsedCounted = unparsed;
        }
    }

    /**
     * The file got shorter, or its head changed: copytruncate. Lines already read are handed on; the rest of the
     * old content is looked for in a copy beside the file (logrotate's copy has the same first bytes); then the
     * file is read again from 0 under a new epoch.
     */
    private void truncated(FileSource s, Round r) {
        Tailer.Truncation t = s.tailer.lastTruncation();
        metrics.truncations.increment();
        s.assembler.flushAll();
        FileSource copy = findCopy(s, t);
        if (copy == null && t.partial().length > 0) {
            int len = t.partial().length;
            s.assembler.piece(t.partial(), 0, len, t.resumeOffset(), t.resumeOffset() + len,
                    Tailer.UNTERMINATED | t.partialFlags(), t.partialContext());
            s.assembler.flushAll();
        }
        LOG.info("file input '{}': {} was truncated after offset {}; reading it again from the start{}",
                config.id(), shown(s.path()), t.resumeOffset(), copy == null ? " (no rotated copy found beside it)"
                        : "; the rest of the old content is read from " + shown(copy.path()));
        produce(s, r);
        s.truncated();
        s.assembler.resetFormat(config.format());
        r.changed = true;
    }

    private FileSource findCopy(FileSource s, Tailer.Truncation t) {
        if (t.before().headLen() == 0) {
            return null;
        }
        Path dir = s.path().getParent();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (!a.isRegularFile() || a.size() < t.resumeOffset()) {
                        continue;
                    }
                    long[] di = Fingerprint.devIno(p);
                    String key = di[0] + ":" + di[1];
                    if (key.equals(s.key) || sources.containsKey(key)) {
                        continue;
                    }
                    // Over the budget if need be: the reserve is for this, the old content's rest is at stake.
                    Tailer tailer = openTailer(p, true);
                    if (!tailer.startsWith(t.before())) {
                        tailer.close();
                        continue;
                    }
                    tailer.seek(t.resumeOffset());
                    FileSource copy = new FileSource(config.id(), tailer, new EventAssembler(config, p.toString()),
                            t.resumeOffset());
                    copy.orphan = true;
                    sources.put(copy.key, copy);
                    metrics.copiesFound.increment();
                    metrics.filesOpened.increment();
                    return copy;
                } catch (IOException e) {
                    // vanished or unreadable: not the copy we can use
                }
            }
        } catch (IOException e) {
            LOG.warn("file input '{}': cannot list {} to find the rotated copy ({})", config.id(), shown(dir), why(e));
        }
        return null;
    }

    private void discover(Round r, long now, long nowMs) {
        // Every checkpoint as loaded, before matched files take theirs out: recovery compares against all of them.
        Map<String, Checkpoints.Entry> known = firstDiscovery ? new HashMap<>(retained) : Map.of();
        Map<Path, String> matched = discovery.scanWithKeys();
        Set<Path> found = matched.keySet();
        Map<String, Path> seen = new HashMap<>();
        for (Map.Entry<Path, String> m : matched.entrySet()) {
            Path p = m.getKey();
            String key = m.getValue();
            if (key == null) {
                long[] di;
                try {
                    di = Fingerprint.devIno(p);
                } catch (IOException e) {
                    continue;
                }
                key = di[0] + ":" + di[1];
            }
            if (seen.putIfAbsent(key, p) != null) {
                continue;
            }
            FileSource s = sources.get(key);
            if (s == null) {
                s = open(p, r, nowMs);
                if (s != null && !s.key.equals(key)) {
                    seen.put(s.key, p);
                }
                continue;
            }
            if (!s.tailer.path().equals(p)) {
                LOG.info("file input '{}': {} is now {}; following it", config.id(), shown(s.tailer.path()), shown(p));
                metrics.renames.increment();
                s.tailer.path(p);
                s.assembler.path(p.toString());
                s.dirHash = FileSource.dirHash(p);
                r.changed = true;
            }
            s.orphan = false;
        }
        for (FileSource s : sources.values()) {
            if (!seen.containsKey(s.key) && !s.orphan) {
                s.orphan = true;
                s.lastGrowthNanos = now;
                LOG.info("file input '{}': {} was renamed away or deleted; reading it to its end before letting "
                        + "it go", config.id(), shown(s.path()));
            }
        }
        if (firstDiscovery) {
            recoverUnfinished(r, nowMs);
        }
        // Every round, not only after a restart: a starved input may miss a whole generation between two scans
        // (created and rotated out of the globs before it was ever matched).
        readUnseenGenerations(r, found, firstDiscovery ? known : retained, now);
        firstDiscovery = false;
        registerWatches(r);
        pruneRetained(nowMs);
        reportWaiting(r);
    }

    private FileSource open(Path p, Round r, long nowMs) {
        if (r.outOfDescriptors) {
            r.waiting++; // no need to try each of thousands of files once the limit is reached
            return null;
        }
        Tailer tailer;
        try {
            tailer = openTailer(p, false);
            openProblems.remove(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FdBudget.Exhausted e) {
            r.outOfDescriptors = true;
            r.waiting++;
            return null;
        } catch (IOException e) {
            if (openProblems.add(p)) {
                String reason = Discovery.reason(e);
                LOG.warn("file input '{}': cannot open {} ({}); retrying on each scan", config.id(), shown(p),
                        reason.replace('_', ' '));
                metrics.problem(reason);
            }
            return null;
        }
        try {
            Fingerprint fp = tailer.fingerprint();
            if (sources.containsKey(fp.key())) {
                tailer.close();
                return null;
            }
            long size = tailer.size();
            long start;
            String why;
            Checkpoints.Entry entry = retained.remove(fp.key());
            if (entry != null && tailer.startsWith(entry.fingerprint())) {
                start = entry.offset();
                why = "checkpoint";
                if (start > size) {
                    metrics.truncations.increment();
                    start = 0;
                    why = "checkpoint beyond its size: truncated while stopped";
                }
            } else if (entry != null) {
                metrics.inodeReuse.increment();
                start = 0;
                why = "new file on the inode of a file read before";
            } else if (firstDiscovery && config.startAt() == FileInputConfig.StartAt.END) {
                start = size;
                why = "start_at end";
            } else {
                start = 0;
                why = firstDiscovery ? "start_at beginning" : "new file";
            }
            tailer.seek(start);
            FileSource s = new FileSource(config.id(), tailer, new EventAssembler(config, p.toString()), start);
            sources.put(s.key, s);
            metrics.filesOpened.increment();
            r.changed = true;
            LOG.info("file input '{}': tailing {} from offset {} ({})", config.id(), shown(p), start, why);
            return s;
        } catch (IOException e) {
            closeQuietly(tailer);
            LOG.warn("file input '{}': cannot read {} ({})", config.id(), shown(p), why(e));
            return null;
        }
    }

    /**
     * After a crash, a file may have been renamed away (rotated) before it was read to its end. Its checkpoint still
     * knows its device, inode and directory: find it there and finish it.
     */
    private void recoverUnfinished(Round r, long nowMs) {
        Map<Path, List<Checkpoints.Entry>> byDir = new LinkedHashMap<>();
        for (Checkpoints.Entry e : retained.values()) {
            if (!e.done() && e.path() != null) {
                Path dir = Path.of(e.path()).getParent();
                if (dir != null) {
                    byDir.computeIfAbsent(dir, d -> new ArrayList<>()).add(e);
                }
            }
        }
        for (Map.Entry<Path, List<Checkpoints.Entry>> dir : byDir.entrySet()) {
            Map<String, Checkpoints.Entry> wanted = new HashMap<>();
            dir.getValue().forEach(e -> wanted.put(e.key(), e));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.getKey())) {
                for (Path p : files) {
                    if (wanted.isEmpty()) {
                        break;
                    }
                    long[] di;
                    try {
                        di = Fingerprint.devInoNoFollow(p);
                    } catch (IOException e) {
                        continue;
                    }
                    Checkpoints.Entry e = wanted.remove(di[0] + ":" + di[1]);
                    if (e != null) {
                        resumeUnfinished(p, e, r);
                    }
                }
            } catch (IOException e) {
                // The directory is gone: so are the files.
            }
        }
    }

    /**
     * Generations we never read: files beside the ones the globs match, named like one of them plus a rotation suffix
     * ({@code app.log.1}, {@code app.log-2024}), on a device:inode we hold no open file for and no checkpoint covering
     * its size, and modified since this input became responsible for the path. They hold lines written while the
     * input was down, or while it ran too starved to scan before the file was renamed twice. Each is opened (the
     * handle stays open until it is read to its end, so a later rename or delete loses nothing) and read from the
     * start, from its own checkpointed offset, or from the checkpointed offset of the file it is a copy of
     * (copytruncate). A copy of a file still open is left to {@link #findCopy}, which resumes it where that file's
     * truncation left off. Compressed generations are left alone.
     *
     * @param known checkpoints to compare against: as loaded at start on the first round, else the ones kept now
     */
    private void readUnseenGenerations(Round r, Set<Path> found, Map<String, Checkpoints.Entry> known, long now) {
        if (firstDiscovery) {
            for (Checkpoints.Entry e : known.values()) {
                addRotationBase(Path.of(e.path()));
            }
        }
        for (Path p : found) {
            addRotationBase(p);
        }
        // A forgotten file's time can only read older than when it was forgotten, so that bound needs no slack.
        long since = Math.max(createdMs - MTIME_SLACK_MS, forgottenMs);
        for (Map.Entry<Path, Set<String>> dir : rotationBases.entrySet()) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.getKey())) {
                for (Path p : files) {
                    if (isRotatedName(p.getFileName().toString(), dir.getValue()) && !discovery.excluded(p)) {
                        readIfUnseen(p, r, known, since, now);
                    }
                }
            } catch (IOException e) {
                // The directory is gone or unreadable (reported by discovery): nothing to read there now.
            }
        }
    }

    private void addRotationBase(Path p) {
        Path dir = p.getParent();
        if (dir != null && rotationBaseCount < MAX_RETAINED
                && rotationBases.computeIfAbsent(dir, d -> new HashSet<>()).add(p.getFileName().toString())) {
            rotationBaseCount++;
        }
    }

    /** {@code name} is a generation of one of {@code bases} ({@code app.log.1}, {@code app.log-2024}; not compressed). */
    static boolean isRotatedName(String name, Set<String> bases) {
        if (name.endsWith(".gz") || name.endsWith(".bz2") || name.endsWith(".xz") || name.endsWith(".zst")
                || name.endsWith(".zip")) {
            return false;
        }
        for (String base : bases) {
            if (name.length() > base.length() + 1 && name.startsWith(base)) {
                char sep = name.charAt(base.length());
                if (sep == '.' || sep == '-' || sep == '_') {
                    return true;
                }
            }
        }
        return false;
    }

    private void readIfUnseen(Path p, Round r, Map<String, Checkpoints.Entry> known, long since, long now) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,isRegularFile");
        } catch (IOException e) {
            return; // gone meanwhile: under its next name, the next scan finds it
        }
        String key = a.get("dev") + ":" + a.get("ino");
        long modifiedMs = ((FileTime) a.get("lastModifiedTime")).toMillis();
        if (!(Boolean) a.get("isRegularFile") || sources.containsKey(key) || modifiedMs < since) {
            return;
        }
        Checkpoints.Entry own = known.get(key);
        if (own != null && own.offset() >= (Long) a.get("size") && modifiedMs + MTIME_SLACK_MS <= own.updatedMs()) {
            return; // read to its end, and not written since (a new file on the inode would be)
        }
        if (r.outOfDescriptors) {
            r.waiting++;
            return;
        }
        Tailer tailer;
        try {
            tailer = openTailer(p, false);
        } catch (FdBudget.Exhausted e) {
            r.outOfDescriptors = true;
            r.waiting++;
            return;
        } catch (IOException e) {
            return;
        }
        try {
            if (!tailer.fingerprint().key().equals(key)) {
                tailer.close();
                return;
            }
            long start = 0;
            String why = "never seen";
            if (own != null && tailer.startsWith(own.fingerprint()) && own.offset() <= tailer.size()) {
                start = own.offset();
                why = own.done() ? "grown after it was finished" : "not finished";
            } else {
                byte[] head = tailer.head();
                for (FileSource s : sources.values()) {
                    if (!s.drained && s.tailer.headOverlaps(head)) {
                        // A copy of a file still open, maybe still being written: findCopy resumes it where the
                        // truncation left off; if the file is let go instead, its checkpoint tells the offset.
                        tailer.close();
                        return;
                    }
                }
                for (Checkpoints.Entry e : known.values()) {
                    // A copytruncate copy starts with the bytes of the file it was copied from. Only a full head
                    // tells a copy from a file that merely starts alike; a shorter one is read again from 0.
                    if (!e.key().equals(key) && e.headLen() == Fingerprint.HEAD_BYTES
                            && e.fingerprint().headMatches(head) && e.offset() <= tailer.size()) {
                        start = e.offset();
                        why = "copy of a checkpointed file";
                        break;
                    }
                }
            }
            tailer.seek(start);
            FileSource s = new FileSource(config.id(), tailer, new EventAssembler(config, p.toString()), start);
            s.orphan = true;
            s.lastGrowthNanos = now;
            sources.put(s.key, s);
            // Removed only once open, so a checkpoint snapshot taken meanwhile always has the file in one of the two.
            retained.remove(key);
            metrics.filesOpened.increment();
            metrics.recovered.increment();
            r.changed = true;
            LOG.info("file input '{}': {} was rotated out of the globs before it was read to its end ({}); reading "
                    + "it from offset {} to its end", config.id(), shown(p), why, start);
        } catch (IOException e) {
            closeQuietly(tailer);
            LOG.warn("file input '{}': cannot read rotated {} ({})", config.id(), shown(p), why(e));
        }
    }

    private void resumeUnfinished(Path p, Checkpoints.Entry e, Round r) {
        try {
            // Over the budget if need be: this runs once, at start, and the file's unread rest is at stake.
            Tailer tailer = openTailer(p, true);
            if (!tailer.fingerprint().key().equals(e.key()) || !tailer.startsWith(e.fingerprint())
                    || tailer.size() < e.offset()) {
                tailer.close();
                return;
            }
            tailer.seek(e.offset());
            FileSource s = new FileSource(config.id(), tailer, new EventAssembler(config, e.path()), e.offset());
            s.orphan = true;
            sources.put(s.key, s);
            retained.remove(e.key());
            metrics.filesOpened.increment();
            metrics.recovered.increment();
            r.changed = true;
            LOG.info("file input '{}': {} (formerly {}) was not finished before the last stop; reading it from "
                    + "offset {} to its end", config.id(), shown(p), shown(e.path()), e.offset());
        } catch (IOException ex) {
            LOG.warn("file input '{}': cannot reopen {} to finish it ({})", config.id(), shown(p), why(ex));
        }
    }

    /**
     * Opens a file for tailing within the open-file budget ({@code evenIfFull}: beyond it, into the reserve, for a
     * file whose unread data would otherwise be lost). A refusal by the system for want of descriptors is reported
     * like an exhausted budget: the file waits for the next scan, it is not a problem of that file.
     */
    private Tailer openTailer(Path p, boolean evenIfFull) throws IOException {
        if (!fds.tryAcquire(evenIfFull)) {
            throw new FdBudget.Exhausted();
        }
        Tailer t;
        try {
            t = Tailer.open(p, config.maxRecordBytes(), chunk);
        } catch (IOException | RuntimeException e) {
            fds.release();
            if (e instanceof IOException io && FdBudget.isOutOfDescriptors(io)) {
                throw new FdBudget.Exhausted();
            }
            throw e;
        }
        t.onClose(releaseFd);
        return t;
    }

    /**
     * After a scan: files the globs match that could not be opened for want of descriptors are counted
     * ({@code redactd.file.waiting}) and reported at most once a minute, with how many; they are opened by a later
     * scan once files are let go (read from their start, or their checkpoint: nothing is lost, only delayed).
     */
    private void reportWaiting(Round r) {
        int before = waitingFiles;
        waitingFiles = r.waiting;
        metrics.waiting.set(r.waiting);
        if (r.waiting > before) {
            metrics.problem("too_many_open_files");
        }
        if (r.waiting > 0) {
            fdLog.log(suppressed -> LOG.error("file input '{}': {} matched files are not open: the open-file limit is "
                            + "reached ({} files open for tailing, at most {} with RLIMIT_NOFILE {}; the rest is kept for "
                            + "the daemon's other files and sockets). They wait and are opened as tailed files are let "
                            + "go; raise LimitNOFILE (ulimit -n) or narrow the globs ({} similar lines suppressed)",
                    config.id(), r.waiting, fds.open(), fds.max(),
                    fds.limit() == Long.MAX_VALUE ? "unknown" : fds.limit(), suppressed));
        } else if (before > 0) {
            LOG.info("file input '{}': every matched file is open again ({} files open for tailing)", config.id(),
                    fds.open());
        }
    }

    private void release(FileSource s, Round r, long nowMs) {
        closeQuietly(s);
        FileSource.Snapshot snap = s.snapshot();
        // Retained before removal, so a checkpoint snapshot taken meanwhile always has the file in one of the two.
        retained.put(s.key, Checkpoints.Entry.of(snap.fingerprint(), snap.path(), snap.committed(), true, nowMs));
        metrics.filesReleased.increment();
        sources.remove(s.key);
        r.changed = true;
        LOG.info("file input '{}': finished {} at offset {}; let go", config.id(), shown(snap.path()), snap.committed());
    }

    /**
     * Watches the directories of the last scan. A directory watched only now may have got files between the walk and
     * its registration, which no event will announce: the round asks for one more scan then ({@link Round#rescan}).
     */
    private void registerWatches(Round r) {
        WatchService ws = watch;
        if (ws == null) {
            allWatched = false;
            return;
        }
        boolean all = !discovery.directoriesCapped();
        // Directories gone from the globs' reach (a deleted pod's): their watches end with them; a directory created
        // again under the same path is registered again.
        watchedDirs.retainAll(discovery.directories());
        for (Path dir : discovery.directories()) {
            if (watchedDirs.add(dir)) {
                try {
                    dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                    r.rescan = true;
                } catch (IOException | ClosedWatchServiceException e) {
                    // Not watchable (gone, or not a directory we may watch): polling covers it.
                    watchedDirs.remove(dir);
                    all = false;
                }
            }
        }
        allWatched = all;
    }

    private void pruneRetained(long nowMs) {
        List<Checkpoints.Entry> drop = new ArrayList<>();
        for (Checkpoints.Entry e : retained.values()) {
            if (nowMs - e.updatedMs() > RETENTION_MS) {
                drop.add(e);
            }
        }
        if (retained.size() - drop.size() > MAX_RETAINED) {
            retained.values().stream().filter(e -> nowMs - e.updatedMs() <= RETENTION_MS)
                    .sorted(Comparator.comparingLong(Checkpoints.Entry::updatedMs))
                    .limit(retained.size() - drop.size() - MAX_RETAINED).forEach(drop::add);
        }
        long newest = forgottenMs;
        for (Checkpoints.Entry e : drop) {
            retained.remove(e.key());
            newest = Math.max(newest, e.updatedMs());
        }
        // A forgotten file is no longer known: the bound keeps it from passing for a generation never read.
        forgottenMs = newest;
    }

    /** Every file's position: open files and files let go within the retention time. */
    private List<Checkpoints.Entry> snapshot() {
        long nowMs = System.currentTimeMillis();
        Map<String, Checkpoints.Entry> out = new LinkedHashMap<>();
        retained.values().forEach(e -> out.put(e.key(), e));
        for (FileSource s : sources.values()) {
            FileSource.Snapshot snap = s.snapshot();
            out.put(s.key, Checkpoints.Entry.of(snap.fingerprint(), snap.path(), snap.committed(), false, nowMs));
        }
        return new ArrayList<>(out.values());
    }

    private static void closeQuietly(FileSource s) {
        closeQuietly(s.tailer);
    }

    private static void closeQuietly(Tailer t) {
        try {
            t.close();
        } catch (IOException ignored) {
            // closing a read-only channel; nothing to recover
        }
    }
}
