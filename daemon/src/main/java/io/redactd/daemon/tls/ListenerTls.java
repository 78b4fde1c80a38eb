package io.redactd.daemon.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for one listener: builds the server options from the PEM files, watches the files and swaps the certificate
 * into the running servers when their content changes (existing connections keep their session, new handshakes get
 * the new certificate), and applies the client allow-list after each handshake.
 *
 * <p>Files are polled by content hash rather than watched: cert-manager and similar tools replace them through
 * symlink swaps that file-system events report unreliably, and a hash also ignores touch-only changes.
 */
public final class ListenerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerTls.class);

    private final Vertx vertx;
    private final TlsConfig config;
    private final String listener;
    private final long handshakeTimeoutMs;
    private final ClientAllowList allowList;
    private final TlsEngine engine;
    private final List<Function<ServerSSLOptions, Future<Boolean>>> servers = new CopyOnWriteArrayList<>();
    private final Counter reloads;
    private final Counter reloadFailures;
    private final Counter refusedClients;
    /** One refusal line a second: a misconfigured client fleet reconnecting in a loop would flood the log. */
    private final LogThrottle refusedLog = new LogThrottle(1000);
    private volatile PemMaterial current;
    private volatile String lastReloadError;
    private long timerId = -1;
    private MessageConsumer<Object> reloadRequests;

    /**
     * Local event-bus address the daemon publishes to on SIGHUP: every listener re-reads its PEM files at once
     * instead of at its next periodic check.
     */
    public static final String RELOAD_ADDRESS = "redactd.tls.reload";

    private ListenerTls(Vertx vertx, TlsConfig config, String listener, long handshakeTimeoutMs, PemMaterial material,
                        MeterRegistry metrics) {
        this.vertx = vertx;
        this.config = config;
        this.listener = listener;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.allowList = new ClientAllowList(config.allowedClients());
        this.engine = config.engine().resolve();
        this.current = material;
        this.reloads = Counter.builder("redactd.tls.reloads")
                .description("Certificate reloads into a running listener").tag("listener", listener).register(metrics);
        this.reloadFailures = Counter.builder("redactd.tls.reload.failures")
                .description("Certificate files unreadable or rejected at reload").tag("listener", listener).register(metrics);
        this.refusedClients = Counter.builder("redactd.tls.clients.refused")
                .description("TLS clients not in allowed_clients").tag("listener", listener).register(metrics);
    }

    /**
     * Reads and checks the PEM files (off the event loop); fails with a message naming the bad key.
     *
     * @param listener the listener's id (the input id, or {@code admin}): log prefix and metric label
     */
    public static Future<ListenerTls> load(Vertx vertx, TlsConfig config, String listener, long handshakeTimeoutMs,
                                           MeterRegistry metrics) {
        return vertx.executeBlocking(() -> {
            // validate() reads and parses the PEM files too: off the event loop
            List<String> problems = config.validate("tls").stream().map(p -> p.path() + ": " + p.message()).toList();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(listener + ": " + String.join("; ", problems));
            }
            PemMaterial material = PemMaterial.load(config);
            // resolving may load the native library: off the event loop too
            LOG.info("listener '{}': TLS engine {}", listener, config.engine().describeResolved());
            return material;
        }).map(material -> new ListenerTls(vertx, config, listener, handshakeTimeoutMs, material, metrics));
    }

    /** The engine the listener runs: {@code openssl} or {@code jdk}, never {@code auto}. */
    public TlsEngine engine() {
        return engine;
    }

    public ServerSSLOptions sslOptions() {
        return TlsPolicy.serverOptions(current, config.clientAuth(), handshakeTimeoutMs);
    }

    /**
     * Enables TLS with the current certificate and the listener's engine on a server's listen options. The engine is
     * a property of the server, not of its SSL options: certificate reloads ({@code updateSSLOptions}) keep it.
     */
    public void configure(NetServerOptions options) {
        TlsPolicy.apply(options, sslOptions());
        options.setSslEngineOptions(engine.vertxOptions());
    }

    /** Registers a started server (e.g. {@code server::updateSSLOptions}) for certificate reloads. */
    public synchronized void watch(Function<ServerSSLOptions, Future<Boolean>> server) {
        servers.add(server);
        if (timerId < 0) {
            timerId = vertx.setPeriodic(config.reloadIntervalSecs() * 1000L, id -> checkForChange());
            reloadRequests = vertx.eventBus().localConsumer(RELOAD_ADDRESS, m -> checkForChange());
        }
    }

    public synchronized void close() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
            reloadRequests.unregister();
            reloadRequests = null;
        }
        servers.clear();
    }

    /**
     * Applies {@code allowed_clients} to a finished handshake; logs and counts a refusal. A listener with
     * {@code client_auth: optional} admits clients that sent no certificate (they still need a token where the
     * protocol has one).
     */
    public boolean admit(SSLSession session, String peer) {
        if (allowList.isEmpty() || session == null) {
            return true;
        }
        X509Certificate leaf;
        try {
            leaf = ClientAllowList.leaf(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            if (config.clientAuth() == ClientAuthMode.OPTIONAL) {
                return true;
            }
            leaf = null;
        }
        if (leaf != null && allowList.admits(leaf)) {
            return true;
        }
        refusedClients.increment();
        X509Certificate refused = leaf;
        refusedLog.log(suppressed -> LOG.warn("listener '{}': refused TLS client {}: certificate identities {} not in "
                + "allowed_clients; closing connection ({} similar suppressed)", listener, peer,
                refused == null ? "[none]" : ClientAllowList.identities(refused), suppressed));
        return false;
    }

    /**
     * Re-reads the files; changed material is checked as at start-up ({@link PemMaterial#problemsAsLoaded}: parses,
     * and the key signs what the certificate verifies) before it is swapped in. A rotation that copies the two files
     * one after the other leaves a moment (or, if the second copy fails, a state) where they do not match: loading
     * that pair would make every new handshake fail, so the old material stays until the pair matches, with one WARN
     * per distinct problem and {@code redactd_tls_reload_failures_total} counted at each check that finds one.
     */
    private void checkForChange() {
        String currentDigest = current.digest();
        vertx.executeBlocking(() -> {
            PemMaterial material = PemMaterial.load(config);
            if (material.digest().equals(currentDigest)) {
                return material; // unchanged: no parsing, no signature
            }
            List<String> problems = material.problemsAsLoaded(config).stream()
                    .map(p -> "tls." + p.path() + ": " + p.message()).toList();
            if (!problems.isEmpty()) {
                throw new java.io.IOException(String.join("; ", problems));
            }
            return material;
        }).onComplete(ar -> {
            if (ar.failed()) {
                // messages name files and the kind of problem, never their content
                String error = ar.cause() instanceof java.io.IOException ? ar.cause().getMessage()
                        : ar.cause().getClass().getSimpleName();
                if (!error.equals(lastReloadError)) {
                    LOG.warn("listener '{}': TLS files unreadable or not a usable pair, keeping the current "
                            + "certificate: {}", listener, error);
                    lastReloadError = error;
                }
                reloadFailures.increment();
                return;
            }
            lastReloadError = null;
            PemMaterial material = ar.result();
            if (material.digest().equals(current.digest())) {
                return;
            }
            ServerSSLOptions options = TlsPolicy.serverOptions(material, config.clientAuth(), handshakeTimeoutMs);
            current = material;
            for (Function<ServerSSLOptions, Future<Boolean>> server : servers) {
                server.apply(options).onComplete(update -> {
                    if (update.succeeded()) {
                        reloads.increment();
                        LOG.info("listener '{}': TLS certificate reloaded from {} (sha256 {})", listener, config.cert(),
                                material.digest().substring(0, 12));
                    } else {
                        reloadFailures.increment();
                        LOG.warn("listener '{}': new TLS certificate rejected, keeping the previous one: {}", listener,
                                update.cause().toString());
                    }
                });
            }
        });
    }
}
