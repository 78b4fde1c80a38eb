package io.redactd.daemon.input.syslog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.input.Input;
import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.tls.ListenAddress;
import io.redactd.daemon.tls.ListenerTls;
import io.redactd.daemon.tls.LogThrottle;
import io.redactd.outputs.ConfigProblem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syslog over TCP+TLS (RFC 5425), optionally plaintext TCP ({@code insecure: true}) and UDP ({@code udp: true},
 * RFC 5426). Each TCP connection is one ordered source; its batches are bounded in flight and the socket is paused
 * beyond that, so a slow pipeline stops reading instead of buffering. UDP cannot be paused: datagrams arriving while
 * the UDP source is at its in-flight bound are dropped and counted.
 */
public final class SyslogInput implements Input {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogInput.class);

    /** Group numbers for Vert.x's shared random ports (listen on {@code -N}), one per input started on port 0. */
    private static final AtomicInteger RANDOM_PORT_GROUPS = new AtomicInteger();

    private final String id;
    private final String dataset;
    private final Vertx vertx;
    private final SyslogInputConfig config;
    private final EventSink sink;
    private final SyslogParser parser = new SyslogParser(Clock.systemUTC());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong connectionSerial = new AtomicLong();
    private final Set<Future<Void>> inflight = ConcurrentHashMap.newKeySet();
    private final LogThrottle malformedLog = new LogThrottle(1000);
    /**
     * Per-connection lines (resets, failed handshakes): one a second, since a client that exits with a thousand
     * connections open, or a scanner, would otherwise write a line per connection. Apart from malformedLog so a reset
     * storm cannot hide the malformed-frame lines.
     */
    private final LogThrottle connectionLog = new LogThrottle(1000);
    private final Counter events;
    private final Counter unparsed;
    private final Counter refusedOverLimit;
    private final Counter udpDropped;
    private final Counter submitFailures;
    private final Counter connectionResets;
    private final Counter countSuspect;
    private final Map<SyslogFrameDecoder.Malformation, Counter> malformed = new EnumMap<>(SyslogFrameDecoder.Malformation.class);
    private final MeterRegistry metrics;
    private ListenerTls tls;
    /** One per event loop, sharing one listening socket (see {@link #listenOn}); the first is the one that bound. */
    private final List<NetServer> servers = new ArrayList<>();
    private int eventLoops;
    private DatagramSocket udpSocket;

    public SyslogInput(SyslogInputConfig config, ComponentContext context) {
        List<ConfigProblem> problems = config.validate();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("inputs[" + context.id() + "]: " + problems.stream()
                    .map(p -> p.path() + ": " + p.message()).collect(Collectors.joining("; ")));
        }
        this.id = context.id();
        this.dataset = config.source() != null ? config.source() : id;
        this.vertx = context.vertx();
        this.config = config;
        this.sink = context.sink();
        this.metrics = context.registry();
        this.events = Counter.builder("redactd.syslog.events").description("Syslog messages received")
                .tag("input", id).register(metrics);
        this.unparsed = Counter.builder("redactd.syslog.unparsed")
                .description("Frames that followed neither RFC 5424 nor 3164, forwarded whole").tag("input", id).register(metrics);
        this.refusedOverLimit = Counter.builder("redactd.input.connections.refused").description("Connections refused")
                .tag("input", id).tag("reason", "max_connections").register(metrics);
        this.udpDropped = Counter.builder("redactd.syslog.udp.dropped")
                .description("UDP datagrams dropped while the pipeline was full").tag("input", id).register(metrics);
        this.submitFailures = Counter.builder("redactd.syslog.batches.failed")
                .description("Batches the pipeline refused").tag("input", id).register(metrics);
        for (SyslogFrameDecoder.Malformation kind : SyslogFrameDecoder.Malformation.values()) {
            malformed.put(kind, context.inputErrors(kind.name().toLowerCase(Locale.ROOT)));
        }
        // A peer that resets (RST) its connection makes the kernel discard what it had received and we had not read
        // yet (e.g. while paused by back-pressure): that loss cannot be undone, but it must be visible.
        this.connectionResets = context.inputErrors("connection_reset");
        // frames ended at a count nothing confirmed (handed on flagged, with context for the redactor)
        this.countSuspect = context.inputErrors("octet_count_suspect");
        Gauge.builder("redactd.input.connections", connections, AtomicInteger::get).description("Open connections")
                .tag("input", id).register(metrics);
    }

    @Override
    public String id() {
        return id;
    }

    /** The bound TCP port (useful with port 0). */
    public int port() {
        synchronized (servers) {
            return servers.isEmpty() ? -1 : servers.get(0).actualPort();
        }
    }

    public int udpPort() {
        return udpSocket == null ? -1 : udpSocket.localAddress().port();
    }

    @Override
    public Future<Void> start() {
        ListenAddress address = ListenAddress.parse(config.listen(), "inputs[" + id + "].listen");
        Future<ListenerTls> tlsReady = config.tls() == null ? Future.succeededFuture(null)
                : ListenerTls.load(vertx, config.tls(), id,
                        TimeUnit.SECONDS.toMillis(config.handshakeTimeoutSecs()), metrics);
        return tlsReady.compose(loaded -> {
            tls = loaded;
            if (tls == null) {
                LOG.warn("syslog input '{}' listens in PLAINTEXT on {} (insecure: true): log data and any PHI in it "
                        + "cross the network unencrypted", id, address);
            }
            // Vert.x shares one listening socket among the servers of an instance that listen on the same port; for
            // port 0 that takes a negative port (a "shared random port", one per group number), else each server
            // would bind a random port of its own.
            int port = address.port() == 0 ? -RANDOM_PORT_GROUPS.incrementAndGet() : address.port();
            return listenOn(newEventLoopContext(), port, address.host()).compose(first -> {
                List<Future<NetServer>> others = new ArrayList<>();
                for (int i = 1; i < eventLoops(); i++) {
                    others.add(listenOn(newEventLoopContext(), port, address.host()));
                }
                return Future.all(others).map(first);
            });
        }).compose(bound -> {
            if (tls != null) {
                // one reload of the listener updates every server sharing its socket
                List<NetServer> all = List.copyOf(servers);
                tls.watch(options -> Future.all(all.stream().map(s -> s.updateSSLOptions(options)).toList())
                        .map(updated -> updated.<Boolean>list().stream().allMatch(Boolean.TRUE::equals)));
            }
            // the "listening on HOST:PORT (TLS)" part is what scripts and tests look for: keep its shape
            LOG.info("syslog input '{}' listening on {}:{} ({}), event loops: {}", id, address.host(),
                    bound.actualPort(), tls != null ? "TLS" : "plaintext", servers.size());
            return config.udp() ? startUdp() : Future.succeededFuture();
        });
    }

    /**
     * Event loops the TCP listener spreads its connections over: one per two cores, at least one (at most
     * max_connections), each on a context of its own. A server started from the daemon's main thread would handle every
     * connection on the main thread's context, the one the pipeline's bookkeeping and the chain run on, so TLS
     * decryption and parsing of all connections queued behind them on one core. (Vert.x hands new contexts its
     * 2 x cores event loops in turn, so these are other threads than the pipeline's in practice; not guaranteed when
     * many components start.) Not one per core: on 2 cores two syslog loops used
     * ~10 % more CPU than one (more threads waking and sleeping) for no measurable gain, and a warm loop decrypts and
     * frames far more than the detection workers can take (benchmarks/RESULTS.md, branch syslogperf).
     */
    private int eventLoops() {
        int n = eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors() / 2;
        return Math.max(1, Math.min(n, config.maxConnections()));
    }

    /** Tests: the number of event loops (servers sharing the socket), instead of one per two cores; before start(). */
    SyslogInput eventLoops(int n) {
        this.eventLoops = n;
        return this;
    }

    /**
     * A fresh event-loop context (Vert.x assigns event loops to new contexts in turn). Internal API: the public way,
     * deploying the server as a verticle with N instances, does the same with a deployment to manage around it.
     */
    private Context newEventLoopContext() {
        return ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
    }

    /**
     * Creates and binds one server on {@code context}: its connections are handled on that context's event loop.
     * Servers of one Vert.x instance on the same host and port share the listening socket, and Vert.x hands each
     * accepted connection to the next of them in turn.
     */
    private Future<NetServer> listenOn(Context context, int port, String host) {
        Promise<NetServer> bound = Promise.promise();
        context.runOnContext(v -> {
            NetServerOptions options = new NetServerOptions()
                    .setIdleTimeout(config.idleTimeoutSecs())
                    .setIdleTimeoutUnit(TimeUnit.SECONDS)
                    .setTcpNoDelay(true);
            if (tls != null) {
                tls.configure(options);
            }
            NetServer server = vertx.createNetServer(options).connectHandler(this::accept)
                    .exceptionHandler(this::notAccepted);
            synchronized (servers) {
                servers.add(server);
            }
            server.listen(port, host).onComplete(bound);
        });
        return bound.future();
    }

    @Override
    public Future<Void> stop() {
        if (tls != null) {
            tls.close();
        }
        List<Future<?>> closing = new ArrayList<>();
        synchronized (servers) {
            servers.forEach(s -> closing.add(s.close()));
        }
        if (udpSocket != null) {
            closing.add(udpSocket.close());
        }
        return Future.join(closing).transform(ignored -> Future.join(new ArrayList<>(inflight))).mapEmpty();
    }

    private void accept(NetSocket socket) {
        String peer = socket.remoteAddress().hostAddress();
        if (connections.incrementAndGet() > config.maxConnections()) {
            connections.decrementAndGet();
            refusedOverLimit.increment();
            malformedLog.log(suppressed -> LOG.warn("syslog input '{}': refused connection from {}: max_connections {} "
                    + "reached ({} similar suppressed)", id, peer, config.maxConnections(), suppressed));
            socket.close();
            return;
        }
        socket.closeHandler(v -> connections.decrementAndGet());
        if (tls != null && !tls.admit(socket.sslSession(), peer + ":" + socket.remoteAddress().port())) {
            socket.close();
            return;
        }
        new Connection(socket, peer).start();
    }

    /**
     * A connection that failed before it was handed to {@link #accept}: in practice a failed or timed-out TLS
     * handshake (Vert.x drops these silently without a handler). Only the exception's class is logged: its message
     * can carry what the peer sent.
     */
    private void notAccepted(Throwable e) {
        connectionLog.log(suppressed -> LOG.warn("syslog input '{}': a connection failed before it was accepted "
                + "(TLS handshake): {} ({} similar suppressed)", id, e.getClass().getSimpleName(), suppressed));
    }

    private Future<Void> startUdp() {
        ListenAddress udpAddress = ListenAddress.parse(config.udpListen(), "inputs[" + id + "].udp_listen");
        LOG.warn("syslog input '{}' accepts UDP on {} (udp: true): plaintext, unauthenticated, and datagrams are "
                + "dropped (and counted) when the pipeline is full", id, udpAddress);
        udpSocket = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(4 * 1024 * 1024));
        UdpSource source = new UdpSource(vertx.getOrCreateContext());
        udpSocket.handler(source::packet);
        return udpSocket.listen(udpAddress.port(), udpAddress.host()).mapEmpty();
    }

    private Future<Void> submit(RawBatch batch, Context context, Runnable done) {
        Promise<Void> acked = Promise.promise();
        Future<Void> future = acked.future();
        inflight.add(future);
        Future<Void> submitted;
        try {
            submitted = sink.submit(batch);
        } catch (RuntimeException e) {
            submitted = Future.failedFuture(e);
        }
        submitted.onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed()) {
                submitFailures.increment();
                LOG.warn("syslog input '{}': pipeline refused a batch of {} events: {}", id,
                        batch.events().size(), ar.cause().getClass().getSimpleName());
            }
            inflight.remove(future);
            done.run();
            acked.complete();
        }));
        return future;
    }

    private void reportMalformed(SyslogFrameDecoder.Malformation kind, long offset, String peer) {
        malformed.get(kind).increment();
        malformedLog.log(suppressed -> LOG.warn("syslog input '{}': malformed frame from {} at stream byte {}: {} "
                        + "(frame skipped, connection continues; {} similar suppressed)",
                id, peer, offset, kind, suppressed));
    }

    /**
     * Largest batch of a TCP connection in message bytes: what a connection reads before it is handed on and charged to
     * the pipeline's admission budget, so what a saturated budget can be overrun by, per connection (512 events of
     * 64 KiB each would be 32 MiB).
     */
    private static final int MAX_BATCH_BYTES = 64 * 1024;

    /** One TCP connection: decoder state, the batch being filled and the in-flight bound. */
    private final class Connection implements SyslogFrameDecoder.Listener {
        private final NetSocket socket;
        private final String peer;
        private final String sourceId;
        private final Context context = vertx.getOrCreateContext();
        private final SyslogFrameDecoder decoder = new SyslogFrameDecoder(config.maxFrameBytes());
        private List<RawEvent> batch = new ArrayList<>();
        private final ArrayDeque<List<RawEvent>> ready = new ArrayDeque<>();
        private final SyslogEvents.FieldsCache fields = new SyslogEvents.FieldsCache();
        private final SyslogParser.Tokens tokens = new SyslogParser.Tokens();
        private int batchesInFlight;
        private boolean paused;
        /** Paused by the pipeline's shared admission budget until it calls back. */
        private boolean awaitingRoom;
        /** Message bytes in {@link #batch}: it is closed at {@link #MAX_BATCH_BYTES} too, not only at max_batch_events. */
        private int batchBytes;
        private boolean flushScheduled;
        private long position;

        Connection(NetSocket socket, String peer) {
            this.socket = socket;
            this.peer = peer;
            this.sourceId = id + "/" + peer + ":" + socket.remoteAddress().port() + "#"
                    + connectionSerial.incrementAndGet();
        }

        void start() {
            socket.handler(this::data);
            socket.endHandler(v -> {
                decoder.end(this);
                flush();
            });
            socket.exceptionHandler(e -> {
                if (e instanceof java.io.IOException) {
                    connectionResets.increment();
                    boolean whilePaused = paused;
                    connectionLog.log(suppressed -> LOG.warn("syslog input '{}': connection from {} was reset by the "
                            + "peer{}; data it sent that was not read yet is lost (the sender should close gracefully; "
                            + "{} similar suppressed)", id, peer, whilePaused ? " while paused by back-pressure" : "",
                            suppressed));
                } else {
                    LOG.debug("syslog input '{}': connection from {} failed: {}", id, peer, e.getClass().getSimpleName());
                }
            });
        }

        private void data(Buffer buffer) {
            byte[] bytes = buffer.getBytes();
            decoder.feed(bytes, 0, bytes.length, this);
            // Each read is often a single TLS record, and many senders write one record per message: closing the
            // batch per read made one pipeline batch (and output write) per message. The reads of one event-loop
            // turn share a batch instead; it is closed once they are done (or when it is full, in frame()).
            if (!flushScheduled) {
                flushScheduled = true;
                context.runOnContext(v -> {
                    flushScheduled = false;
                    decoder.settle(this); // the turn's reads are done: judge a frame nothing followed yet
                    flush();
                });
            }
        }

        @Override
        public void frame(byte[] buffer, int offset, int length) {
            add(event(buffer, offset, length));
        }

        @Override
        public void cutFrame(byte[] buffer, int offset, int length, byte[] after) {
            countSuspect.increment();
            add(SyslogEvents.cut(event(buffer, offset, length), after));
        }

        private RawEvent event(byte[] buffer, int offset, int length) {
            SyslogMessage message = parser.parse(buffer, offset, length, tokens);
            if (!message.headerParsed()) {
                unparsed.increment();
            }
            return SyslogEvents.toEvent(message, System.currentTimeMillis(), dataset, peer, ++position, fields);
        }

        private void add(RawEvent event) {
            batch.add(event);
            batchBytes += event.message().length;
            if (batch.size() >= config.maxBatchEvents() || batchBytes >= MAX_BATCH_BYTES) {
                flush();
            }
        }

        @Override
        public void malformed(SyslogFrameDecoder.Malformation kind, long streamOffset) {
            reportMalformed(kind, streamOffset, peer);
        }

        /** Closes the batch being filled and hands on what the in-flight bound allows. */
        private void flush() {
            if (!batch.isEmpty()) {
                events.increment(batch.size());
                ready.add(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            drain();
        }

        private void drain() {
            while (batchesInFlight < config.maxInflightBatches() && !ready.isEmpty()) {
                batchesInFlight++;
                submit(new RawBatch(sourceId, id, ready.poll()), context, () -> {
                    batchesInFlight--;
                    drain();
                });
            }
            // Every connection and input shares the pipeline's byte budget: what was decoded is handed on, then reading
            // stops until the pipeline calls back (TCP back-pressure, nothing lost).
            if (!awaitingRoom && sink.awaitRoom(id, () -> context.runOnContext(v -> {
                awaitingRoom = false;
                drain();
            }))) {
                awaitingRoom = true;
            }
            // A read already in hand is still decoded into `ready` after pausing; bounded by one socket read.
            if ((batchesInFlight >= config.maxInflightBatches() || awaitingRoom) && !paused) {
                paused = true;
                socket.pause();
                autoRead(false);
            } else if (paused && ready.isEmpty() && batchesInFlight < config.maxInflightBatches() && !awaitingRoom) {
                paused = false;
                autoRead(true);
                socket.resume();
            }
        }

        /**
         * Vert.x's pause only stops delivering reads: the channel is read on until 8 + 16 reads are queued, and those
         * pooled read buffers pin their allocator's chunks (over 1 MiB a connection measured, so 120 paused connections
         * filled a 160 MiB heap). Stopping the channel's reads too keeps a paused connection at about one read.
         */
        private void autoRead(boolean on) {
            if (socket instanceof io.vertx.core.internal.net.NetSocketInternal s) {
                s.channelHandlerContext().channel().config().setAutoRead(on);
            }
        }
    }

    /**
     * UDP: one message per datagram; datagrams read in one event-loop turn share a batch. At the in-flight bound the
     * batch being filled is kept (not handed on) and goes on filling, and is handed on when a batch is acknowledged:
     * a burst arriving while idle (each datagram in its own event-loop turn, so each would close a batch of one) must
     * not fill the bound with single-event batches and lose the rest. Only when that batch is full as well are
     * datagrams dropped (and counted): Vert.x cannot pause a datagram socket, so there is no kernel-buffer fallback.
     */
    private final class UdpSource {
        private final Context context;
        private final String sourceId = id + "/udp";
        private List<RawEvent> batch = new ArrayList<>();
        private int batchesInFlight;
        private boolean flushScheduled;
        private long position;

        UdpSource(Context context) {
            this.context = context;
        }

        void packet(DatagramPacket packet) {
            String peer = packet.sender().hostAddress();
            if (batchesInFlight >= config.maxInflightBatches() && batch.size() >= config.maxBatchEvents()) {
                udpDropped.increment();
                return;
            }
            byte[] data = packet.data().getBytes();
            int length = data.length;
            while (length > 0 && (data[length - 1] == '\n' || data[length - 1] == '\r' || data[length - 1] == 0)) {
                length--;
            }
            if (length == 0) {
                return;
            }
            if (length > config.maxFrameBytes()) {
                reportMalformed(SyslogFrameDecoder.Malformation.FRAME_TOO_LARGE, 0, peer);
                return;
            }
            SyslogMessage message = parser.parse(data, 0, length);
            if (!message.headerParsed()) {
                unparsed.increment();
            }
            batch.add(SyslogEvents.toEvent(message, System.currentTimeMillis(), dataset, peer, ++position));
            if (batch.size() >= config.maxBatchEvents()) {
                flush();
            } else if (!flushScheduled) {
                flushScheduled = true;
                context.runOnContext(v -> flush());
            }
        }

        private void flush() {
            flushScheduled = false;
            if (batch.isEmpty() || batchesInFlight >= config.maxInflightBatches()) {
                return; // at the bound: kept, handed on when a batch in flight is acknowledged
            }
            List<RawEvent> full = batch;
            batch = new ArrayList<>();
            events.increment(full.size());
            batchesInFlight++;
            submit(new RawBatch(sourceId, id, full), context, () -> {
                batchesInFlight--;
                flush();
            });
        }
    }
}
