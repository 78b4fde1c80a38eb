package io.redactd.daemon.input.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.input.Input;
import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.tls.ListenAddress;
import io.redactd.daemon.tls.ListenerTls;
import io.redactd.daemon.tls.LogThrottle;
import io.redactd.outputs.ConfigProblem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP(S) ingest: {@code POST /v1/logs} (NDJSON or text lines) and the Splunk HEC endpoints
 * {@code /services/collector/event}, {@code /raw} and {@code /health}. A request is answered 200 only after every
 * one of its events is acknowledged by the pipeline; nothing of a rejected request is handed on, so a sender can
 * always retry a non-200 answer without duplicates, with two exceptions: a HEC answer with {@code invalid-event-number}
 * (the events before that one were acknowledged, as Splunk promises), and a 503 after {@code ack_timeout_secs} (the
 * pipeline may still write the events: at least once).
 */
public final class HttpInput implements Input {
    private static final Logger LOG = LoggerFactory.getLogger(HttpInput.class);
    /** How long the rest of a refused body is read and dropped before its connection is closed anyway. */
    private static final long LINGER_MILLIS = 2000;

    private enum Endpoint {
        LOGS("logs", false), HEC_EVENT("hec_event", true), HEC_RAW("hec_raw", true), HEC_HEALTH("hec_health", true),
        HEC_ACK("hec_ack", true);

        final String tag;
        final boolean hec;

        Endpoint(String tag, boolean hec) {
            this.tag = tag;
            this.hec = hec;
        }
    }

    private static final Map<String, Endpoint> ROUTES = Map.of(
            "/v1/logs", Endpoint.LOGS,
            "/services/collector", Endpoint.HEC_EVENT,
            "/services/collector/event", Endpoint.HEC_EVENT,
            "/services/collector/event/1.0", Endpoint.HEC_EVENT,
            "/services/collector/raw", Endpoint.HEC_RAW,
            "/services/collector/raw/1.0", Endpoint.HEC_RAW,
            "/services/collector/health", Endpoint.HEC_HEALTH,
            "/services/collector/health/1.0", Endpoint.HEC_HEALTH,
            "/services/collector/ack", Endpoint.HEC_ACK,
            "/services/collector/ack/1.0", Endpoint.HEC_ACK);

    private final String id;
    private final Vertx vertx;
    private final HttpInputConfig config;
    private final EventSink sink;
    private final MeterRegistry metrics;
    private final AuthFailureLimiter limiter;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger inflightRequests = new AtomicInteger();
    /** Of those, requests whose body is still arriving (they hold a slot without reaching the pipeline). */
    private final AtomicInteger uploadingRequests = new AtomicInteger();
    private final Map<HttpConnection, ConnectionWatch> watches = new ConcurrentHashMap<>();
    private final Set<Future<?>> pendingAcks = ConcurrentHashMap.newKeySet();
    private final LogThrottle authLog = new LogThrottle(1000);
    private final LogThrottle limitLog = new LogThrottle(1000);
    private final Counter events;
    private final Counter refusedConnections;
    private final Counter rateLimited;
    private final RequestEvents bodies;
    private final PipelineHealth pipelineHealth;
    /** Bytes all requests may hold (shared by the http inputs without max_request_memory_bytes). */
    private final ByteBudget budget;
    private WorkerExecutor parsers;
    private TokenAuthenticator authenticator;
    private ListenerTls tls;
    private HttpServer server;

    public HttpInput(HttpInputConfig config, ComponentContext context) {
        List<ConfigProblem> problems = config.validate();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("inputs[" + context.id() + "]: " + problems.stream()
                    .map(p -> p.path() + ": " + p.message()).collect(Collectors.joining("; ")));
        }
        this.id = context.id();
        this.vertx = context.vertx();
        this.config = config;
        this.sink = context.sink();
        this.metrics = context.registry();
        this.limiter = new AuthFailureLimiter(config.authFailureBurst(), config.authFailuresPerMinute());
        this.bodies = new RequestEvents(config.maxLineBytes(), config.maxEventsPerRequest(), config.maxBatchEvents(),
                config.maxDecompressedBytes());
        this.budget = config.maxRequestMemoryBytes() == null ? ByteBudget.heapDefault()
                : new ByteBudget(config.maxRequestMemoryBytes());
        // unhealthy once a request has waited half its ack timeout: it is then likely to get the 503
        this.pipelineHealth = new PipelineHealth(TimeUnit.SECONDS.toNanos(config.ackTimeoutSecs()) / 2,
                TimeUnit.SECONDS.toNanos(config.retryAfterSecs()));
        this.events = Counter.builder("redactd.http.events").description("Events accepted over HTTP")
                .tag("input", id).register(metrics);
        this.refusedConnections = Counter.builder("redactd.input.connections.refused").description("Connections refused")
                .tag("input", id).tag("reason", "max_connections").register(metrics);
        this.rateLimited = Counter.builder("redactd.http.auth.rate.limited")
                .description("Requests answered 429 after too many failed authentications").tag("input", id).register(metrics);
        Gauge.builder("redactd.input.connections", connections, AtomicInteger::get).description("Open connections")
                .tag("input", id).register(metrics);
        Gauge.builder("redactd.http.requests.in.flight", inflightRequests, AtomicInteger::get)
                .description("Requests holding one of max_inflight_requests").tag("input", id).register(metrics);
        Gauge.builder("redactd.http.requests.receiving", uploadingRequests, AtomicInteger::get)
                .description("Requests in flight whose body is still arriving").tag("input", id).register(metrics);
        Gauge.builder("redactd.http.requests.awaiting.pipeline", pipelineHealth, PipelineHealth::waiting)
                .description("Requests whose events the pipeline has not acknowledged yet, also those already answered "
                        + "503 at ack_timeout_secs (the pipeline may still write them)").tag("input", id).register(metrics);
        Gauge.builder("redactd.http.request.memory", budget, ByteBudget::used).baseUnit("bytes")
                .description("Bytes held by request bodies and their events until acknowledged, of max_request_memory_bytes")
                .tag("input", id).register(metrics);
        Gauge.builder("redactd.http.request.memory.limit", budget, ByteBudget::limit).baseUnit("bytes")
                .description("max_request_memory_bytes in force").tag("input", id).register(metrics);
    }

    @Override
    public String id() {
        return id;
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public Future<Void> start() {
        ListenAddress address = ListenAddress.parse(config.listen(), "inputs[" + id + "].listen");
        Future<TokenAuthenticator> tokens = vertx.executeBlocking(
                () -> TokenAuthenticator.load(config.tokens(), "inputs[" + id + "]"));
        Future<ListenerTls> tlsReady = config.tls() == null ? Future.succeededFuture(null)
                : ListenerTls.load(vertx, config.tls(), id,
                        TimeUnit.SECONDS.toMillis(config.handshakeTimeoutSecs()), metrics);
        // Parsing is CPU work on a few threads of its own: it cannot crowd out other blocking work, and fewer
        // bodies grow into events at once, so the memory budget goes to requests that can finish.
        parsers = vertx.createSharedWorkerExecutor("redactd-http-" + id,
                Math.max(2, Runtime.getRuntime().availableProcessors() / 2));
        long largest = Math.max(config.maxBodyBytes(), config.maxDecompressedBytes());
        if (largest > budget.limit()) {
            LOG.warn("http input '{}': max_request_memory_bytes ({}{}) is below max_body_bytes/max_decompressed_bytes "
                    + "({}): larger requests are refused with 413", id, budget.limit(),
                    config.maxRequestMemoryBytes() == null ? ", a quarter of the max heap" : "", largest);
        }
        return Future.all(tokens, tlsReady).compose(ready -> {
            authenticator = tokens.result();
            tls = tlsReady.result();
            HttpServerOptions options = new HttpServerOptions()
                    .setIdleTimeout(config.idleTimeoutSecs())
                    .setIdleTimeoutUnit(TimeUnit.SECONDS)
                    .setMaxHeaderSize(16 * 1024)
                    .setMaxInitialLineLength(4096)
                    .setDecompressionSupported(false)
                    .setHandle100ContinueAutomatically(false)
                    // no h2c sniffing: it holds the connection back from connectionHandler until a request is parsed
                    .setHttp2ClearTextEnabled(false);
            if (tls != null) {
                tls.configure(options);
            } else {
                LOG.warn("http input '{}' listens in PLAINTEXT on {} (insecure: true): tokens and log data, with any "
                        + "PHI in it, cross the network unencrypted", id, address);
            }
            server = vertx.createHttpServer(options)
                    .connectionHandler(this::connected)
                    .invalidRequestHandler(this::invalidRequest)
                    .requestHandler(this::request);
            return server.listen(address.port(), address.host());
        }).map(bound -> {
            if (tls != null) {
                tls.watch(server::updateSSLOptions);
            }
            LOG.info("http input '{}' listening on {}:{} ({}), {} token(s), {} MiB for request bodies", id,
                    address.host(), bound.actualPort(), tls != null ? "HTTPS" : "plaintext HTTP", config.tokens().size(),
                    budget.limit() >> 20);
            return null;
        });
    }

    @Override
    public Future<Void> stop() {
        if (tls != null) {
            tls.close();
        }
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.transform(ignored -> Future.join(new ArrayList<>(pendingAcks)))
                .transform(ignored -> parsers == null ? Future.succeededFuture() : parsers.close()).mapEmpty();
    }

    private void connected(HttpConnection connection) {
        String peer = connection.remoteAddress().hostAddress();
        if (connections.incrementAndGet() > config.maxConnections()) {
            connections.decrementAndGet();
            refusedConnections.increment();
            limitLog.log(suppressed -> LOG.warn("http input '{}': refused connection from {}: max_connections {} "
                    + "reached ({} similar suppressed)", id, peer, config.maxConnections(), suppressed));
            connection.close();
            return;
        }
        connection.closeHandler(v -> {
            connections.decrementAndGet();
            ConnectionWatch watch = watches.remove(connection);
            if (watch != null) {
                vertx.cancelTimer(watch.timer);
            }
        });
        if (tls != null && !tls.admit(connection.sslSession(), peer + ":" + connection.remoteAddress().port())) {
            connection.close();
            return;
        }
        // only admitted connections get a watch; request() serves nothing on a connection without one
        watches.put(connection, new ConnectionWatch(connection));
    }

    /**
     * Closes a connection that had no request in progress for {@code request_timeout_secs}: a client trickling its
     * request headers (slowloris) or idling between requests ({@link ConnectionIdle}).
     */
    private final class ConnectionWatch {
        final long timer;
        final ConnectionIdle idle = new ConnectionIdle(TimeUnit.SECONDS.toNanos(config.requestTimeoutSecs()),
                System.nanoTime());

        ConnectionWatch(HttpConnection connection) {
            timer = vertx.setPeriodic(ConnectionIdle.tickMillis(TimeUnit.SECONDS.toMillis(config.requestTimeoutSecs())), t -> {
                if (idle.expired(System.nanoTime())) {
                    LOG.debug("http input '{}': closing connection from {}: no complete request within {} s",
                            id, connection.remoteAddress().hostAddress(), config.requestTimeoutSecs());
                    connection.close();
                }
            });
        }
    }

    private void request(HttpServerRequest req) {
        if (!watches.containsKey(req.connection())) {
            // refused by max_connections or allowed_clients: a request parsed before the close lands is not served
            req.connection().close();
            return;
        }
        Endpoint endpoint = ROUTES.get(req.path());
        Exchange exchange = new Exchange(req, endpoint == null ? Endpoint.LOGS : endpoint);
        if (endpoint == null) {
            exchange.fail(new RequestRejected(404, "not_found", 404,
                    "no endpoint at this path; use POST /v1/logs, POST /services/collector/event, "
                            + "POST /services/collector/raw or GET /services/collector/health"), false);
            return;
        }
        if (endpoint == Endpoint.HEC_HEALTH) {
            health(exchange);
            return;
        }
        if (req.method() != HttpMethod.POST) {
            exchange.response().putHeader("Allow", "POST");
            exchange.fail(new RequestRejected(405, "method_not_allowed", 6, "use POST on this endpoint"), false);
            return;
        }
        String peer = req.remoteAddress().hostAddress();
        long retryAfter = limiter.retryAfterSeconds(peer, System.nanoTime());
        if (retryAfter > 0) {
            rateLimited.increment();
            exchange.response().putHeader("Retry-After", String.valueOf(retryAfter));
            exchange.fail(new RequestRejected(429, "too_many_failed_authentications", 4,
                    "too many failed authentications from this address; retry after " + retryAfter + " s"), true);
            return;
        }
        Optional<TokenAuthenticator.Grant> grant = authenticate(exchange, peer);
        if (grant.isEmpty()) {
            return;
        }
        if (endpoint == Endpoint.HEC_ACK) {
            // A 200 is sent only once events are durable, so HEC's indexer acknowledgement has nothing to add.
            exchange.fail(new RequestRejected(400, "ack_disabled", 14, "ACK is disabled"), true);
            return;
        }
        if (inflightRequests.get() >= config.maxInflightRequests()) {
            // Say which: slow uploads holding the slots is a different problem for the operator than a full pipeline.
            int receiving = uploadingRequests.get();
            busy(exchange, "max_inflight_requests", receiving * 2 >= config.maxInflightRequests()
                    ? "max_inflight_requests (" + config.maxInflightRequests() + ") reached, " + receiving
                    + " of them still receiving their body"
                    : "the pipeline is full (max_inflight_requests reached)", false);
            return;
        }
        String encoding = contentEncoding(req.getHeader("Content-Encoding"));
        if (!encoding.equals("identity") && !encoding.equals("gzip")) {
            exchange.fail(new RequestRejected(415, "unsupported_content_encoding", 6,
                    "Content-Encoding must be gzip or absent"), true);
            return;
        }
        String length = req.getHeader("Content-Length");
        long contentLength = length == null ? -1 : parseLong(length);
        if (contentLength > config.maxBodyBytes()) {
            exchange.fail(tooLarge(), true);
            return;
        }
        boolean gzip = encoding.equals("gzip");
        // Admission by bytes, before a byte of the body is read: a known length reserves what the request is expected
        // to hold at its peak; the rest (a chunked body, a gzip body's inflated size) is charged as it arrives.
        if (contentLength > budget.limit()) {
            exchange.fail(new RequestRejected(413, "body_too_large", 6, "request body exceeds "
                    + "max_request_memory_bytes (" + budget.limit() + "), the memory for all request bodies"), true);
            return;
        }
        RequestMemory memory = new RequestMemory(budget);
        if (!memory.reserve(expectedPeak(contentLength, gzip))) {
            busy(exchange, "memory_budget", "the memory for request bodies (max_request_memory_bytes " + budget.limit()
                    + ") is in use", true);
            return;
        }
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            req.response().writeContinue();
        }
        exchange.begin(memory);
        BodyBytes body = new BodyBytes(memory, contentLength);
        req.handler(chunk -> {
            if (exchange.done) {
                return;
            }
            if (body.length() + chunk.length() > config.maxBodyBytes()) {
                exchange.fail(tooLarge(), true);
                return;
            }
            try {
                body.append(chunk);
            } catch (RequestRejected rejected) {
                refuse(exchange, rejected, true);
            }
        });
        req.exceptionHandler(e -> exchange.finish());
        req.endHandler(v -> {
            exchange.received();
            if (!exchange.done) {
                accept(exchange, grant.get(), body, gzip);
            }
        });
    }

    /**
     * What a body of {@code contentLength} bytes is expected to need at its peak: a plain body's blocks are let go as
     * its lines are copied out, so about itself plus the events' overhead (a half covers lines of 150 bytes). A gzip
     * body reserves only itself here: what it inflates to is known once it is in ({@link #inflatedPeak}), and a
     * request waiting for a parser should not sit on memory for it. An estimate only: what a request really holds is
     * charged as it goes, and it is refused (503) when the budget cannot hold it. At most the whole budget, so one
     * request can always start on an idle daemon.
     */
    private long expectedPeak(long contentLength, boolean gzip) {
        if (contentLength <= 0) {
            return 0;
        }
        return Math.min(gzip ? contentLength : contentLength + contentLength / 2, budget.limit());
    }

    /**
     * What a received gzip body is expected to need once inflated into events: the size its trailer announces (of its
     * last member; the sender's claim, so only used to reserve ahead, never trusted as a bound) plus a quarter for the
     * events' overhead; -1 when it announces nothing usable.
     */
    private long inflatedPeak(BodyBytes body) {
        long announced = body.gzipInflatedSize();
        if (announced <= 0) {
            return -1;
        }
        long inflated = Math.min(announced, config.maxDecompressedBytes());
        return Math.min(inflated + inflated / 4, budget.limit());
    }

    /** Requests Netty could not decode (over-long request line or headers, garbage): a JSON answer, then close. */
    private void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        int status = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414
                : cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? 431 : 400;
        String message = status == 414 ? "request line too long" : status == 431 ? "request headers too large"
                : "malformed HTTP request";
        Counter.builder("redactd.http.rejected").description("Requests refused, by status").tag("input", id).tag("endpoint", "invalid")
                .tag("status", String.valueOf(status)).register(metrics).increment();
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(new JsonObject().put("error", "invalid_request").put("message", message).encode())
                .onComplete(v -> req.connection().close());
    }

    private Optional<TokenAuthenticator.Grant> authenticate(Exchange exchange, String peer) {
        String header = exchange.req.getHeader("Authorization");
        RequestRejected failure;
        String reason;
        if (exchange.endpoint.hec && exchange.req.getParam("token") != null) {
            // As Splunk answers: a token in the URL ends up in proxy and access logs, so it is never accepted, and
            // the sender is told even when a header would have authenticated it (it must take it out of the URL).
            exchange.fail(new RequestRejected(400, "query_string_authorization", 16,
                    "Query string authorization is not enabled: send Authorization: Splunk <token>"), true);
            return Optional.empty();
        }
        if (header == null || header.isBlank()) {
            failure = new RequestRejected(401, "token_required", 2, "Token is required: send Authorization: "
                    + (exchange.endpoint.hec ? "Splunk" : "Bearer") + " <token>");
            reason = "missing";
        } else {
            Optional<String> token = TokenAuthenticator.presentedToken(header);
            if (token.isEmpty()) {
                failure = new RequestRejected(401, "invalid_authorization", 3,
                        "Invalid authorization: expected 'Splunk <token>', 'Bearer <token>' or Basic with the token as password");
                reason = "malformed";
            } else {
                Optional<TokenAuthenticator.Grant> grant = authenticator.authenticate(token.get());
                if (grant.isPresent()) {
                    return grant;
                }
                failure = new RequestRejected(403, "invalid_token", 4, "Invalid token");
                reason = "invalid";
            }
        }
        limiter.recordFailure(peer, System.nanoTime());
        Counter.builder("redactd.http.auth.failures").description("Failed authentications").tag("input", id).tag("reason", reason)
                .register(metrics).increment();
        authLog.log(suppressed -> LOG.warn("http input '{}': failed authentication from {} on {}: {} token "
                + "({} similar suppressed)", id, peer, exchange.endpoint.tag, reason, suppressed));
        exchange.fail(failure, true);
        return Optional.empty();
    }

    private void health(Exchange exchange) {
        // Unhealthy while a POST would get a 503: max_inflight_requests reached, the pipeline stalled or refusing
        // (PipelineHealth), or less than max_body_bytes of the memory budget free (a sender checking health before a
        // large upload should not be told yes when such a body would get a 503).
        if (inflightRequests.get() >= config.maxInflightRequests()
                || pipelineHealth.problem(System.nanoTime()) != null
                || budget.limit() - budget.used() < Math.min(config.maxBodyBytes(), budget.limit())) {
            exchange.reply(503, new JsonObject().put("text", "HEC is unhealthy, queues are full").put("code", 18));
        } else {
            exchange.reply(200, new JsonObject().put("text", "HEC is healthy").put("code", 17));
        }
    }

    private void accept(Exchange exchange, TokenAuthenticator.Grant grant, BodyBytes raw, boolean gzip) {
        // inflating and parsing up to max_decompressed_bytes is done on a worker so one large request cannot stall
        // the event loop that serves the other connections
        Context context = vertx.getOrCreateContext();
        HttpServerRequest req = exchange.req;
        RequestEvents.Origin meta = new RequestEvents.Origin(req.getHeader("Content-Type"), req.remoteAddress().hostAddress(),
                req.getParam("host"), req.getParam("source"), req.getParam("sourcetype"), req.getParam("index"));
        Endpoint endpoint = exchange.endpoint;
        RequestMemory memory = exchange.memory;
        parsers.executeBlocking(() -> parse(endpoint, meta, grant, raw, gzip, memory), false).onComplete(ar -> context.runOnContext(v -> {
            // A refusal here refuses the request whole: finishing the exchange gives back all its memory. A HEC body
            // with an invalid event after valid ones is not a refusal here but a result (Parsed.refusedAfter).
            if (ar.failed()) {
                if (ar.cause() instanceof RequestRejected rejected) {
                    refuse(exchange, rejected, false);
                } else {
                    exchange.fail(new RequestRejected(500, "internal_error", 8, "Internal server error while reading the body"), false);
                }
                if (!(ar.cause() instanceof RequestRejected)) {
                    LOG.error("http input '{}': unexpected {} while reading a request body", id,
                            ar.cause().getClass().getName());
                }
                return;
            }
            submit(exchange, grant, ar.result());
        }));
    }

    private RequestEvents.Parsed parse(Endpoint endpoint, RequestEvents.Origin req, TokenAuthenticator.Grant grant,
                                       BodyBytes body, boolean gzip, RequestMemory memory) throws RequestRejected {
        long peak = gzip ? inflatedPeak(body) : -1;
        if (peak > 0 && !memory.reserve(peak)) {
            // refused before inflating a byte, rather than after inflating part of it
            throw RequestMemory.busy(budget.limit());
        }
        return switch (endpoint) {
            case LOGS -> bodies.logs(req, body, gzip, memory, grant);
            case HEC_EVENT -> bodies.hec(req, body, gzip, memory, grant);
            case HEC_RAW -> bodies.raw(req, body, gzip, memory, grant);
            case HEC_HEALTH, HEC_ACK -> throw new IllegalStateException(endpoint.tag + " has no body");
        };
    }

    /** A refusal from reading or parsing: the memory budget's 503 says when to retry and is counted as such. */
    private void refuse(Exchange exchange, RequestRejected rejected, boolean closeAfter) {
        if (exchange.done) {
            return; // answered meanwhile (timeout, client gone): the worker's refusal is only its way of stopping
        }
        if (rejected.status() == 503) {
            countBusy(exchange, "memory_budget");
            exchange.response().putHeader("Retry-After", String.valueOf(config.retryAfterSecs()));
        }
        exchange.fail(rejected, closeAfter);
    }

    /**
     * Hands the events on; once the pipeline has acknowledged them all, answers 200, or on the HEC event endpoint
     * {@link RequestEvents.Parsed#refusedAfter()} when the body went on with an invalid event: Splunk's
     * {@code invalid-event-number} tells the sender that the events before it were indexed, so it is only answered
     * once they are durable (else the 503 below, with no number: the sender resends them all).
     */
    private void submit(Exchange exchange, TokenAuthenticator.Grant grant, RequestEvents.Parsed parsed) {
        RequestMemory memory = exchange.memory;
        if (exchange.done) {
            memory.close(); // timed out or the client went away while the body was parsed
            return;
        }
        // From here the events' bytes are released batch by batch as the pipeline acknowledges them, whatever the
        // request's answer: a batch still in the pipeline after an ack timeout still holds its memory.
        exchange.memory = null;
        int count = parsed.count();
        events.increment(count);
        String sourceId = id + "/" + grant.source();
        List<Future<Void>> acks = new ArrayList<>();
        for (RequestEvents.Slice slice : parsed.batches()) {
            Future<Void> ack;
            try {
                ack = sink.submit(new RawBatch(sourceId, id, slice.events()));
            } catch (RuntimeException e) {
                ack = Future.failedFuture(e);
            }
            ack.onComplete(done -> memory.release(slice.bytes()));
            acks.add(ack);
        }
        Future<?> all = Future.all(acks);
        pendingAcks.add(all);
        long waiting = pipelineHealth.submitted(System.nanoTime());
        long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(config.ackTimeoutSecs()), id ->
                busy(exchange, "ack_timeout", "the pipeline did not acknowledge the events within ack_timeout_secs", false));
        Context context = vertx.getOrCreateContext();
        all.onComplete(ar -> context.runOnContext(v -> {
            pendingAcks.remove(all);
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                if (parsed.refusedAfter() != null) {
                    exchange.fail(parsed.refusedAfter(), false);
                } else if (exchange.endpoint.hec) {
                    exchange.reply(200, new JsonObject().put("text", "Success").put("code", 0));
                } else {
                    exchange.reply(200, new JsonObject().put("accepted", count));
                }
            } else {
                busy(exchange, "pipeline_refused", "the pipeline refused the events", false);
            }
            // last, after any answer: when the waiting count drops, this request is completely handled
            pipelineHealth.settled(waiting, ar.succeeded(), System.nanoTime());
        }));
    }

    /** 503 + Retry-After ("Server is busy", HEC code 9), counted by {@code reason}; closes when the body is unread. */
    private void busy(Exchange exchange, String reason, String why, boolean closeAfter) {
        if (exchange.done) {
            // answered already (503 at the ack timeout, then the pipeline failed the batch): one reply per request
            return;
        }
        countBusy(exchange, reason);
        exchange.response().putHeader("Retry-After", String.valueOf(config.retryAfterSecs()));
        exchange.fail(new RequestRejected(503, "server_busy", 9, "Server is busy: " + why + "; retry later"), closeAfter);
    }

    private void countBusy(Exchange exchange, String reason) {
        Counter.builder("redactd.http.busy").description("Requests answered 503 Server is busy, by reason")
                .tag("input", id).tag("endpoint", exchange.endpoint.tag).tag("reason", reason).register(metrics).increment();
    }

    private RequestRejected tooLarge() {
        return new RequestRejected(413, "body_too_large", 6,
                "request body exceeds max_body_bytes (" + config.maxBodyBytes() + ")");
    }

    /** The Content-Encoding in lower case, {@code identity} when absent; {@code x-gzip} is gzip (RFC 9110 8.4.1.3). */
    private static String contentEncoding(String header) {
        String encoding = Optional.ofNullable(header).orElse("identity").strip().toLowerCase(Locale.ROOT);
        return encoding.equals("x-gzip") ? "gzip" : encoding;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One request/response: answers exactly once, keeps the in-flight count and the request deadline. */
    private final class Exchange {
        final HttpServerRequest req;
        final Endpoint endpoint;
        boolean done;
        boolean counted;
        boolean uploading;
        long deadline = -1;
        ConnectionWatch watch;
        /** The request's share of the memory budget until its events go to the pipeline (then null). */
        RequestMemory memory;

        Exchange(HttpServerRequest req, Endpoint endpoint) {
            this.req = req;
            this.endpoint = endpoint;
            this.watch = watches.get(req.connection());
            if (watch != null) {
                watch.idle.requestStarted();
            }
        }

        io.vertx.core.http.HttpServerResponse response() {
            return req.response();
        }

        void begin(RequestMemory reserved) {
            memory = reserved;
            counted = true;
            uploading = true;
            inflightRequests.incrementAndGet();
            uploadingRequests.incrementAndGet();
            deadline = vertx.setTimer(TimeUnit.SECONDS.toMillis(config.requestTimeoutSecs()), id -> {
                if (!done) {
                    fail(new RequestRejected(408, "request_timeout", 6, "the request body did not arrive within "
                            + "request_timeout_secs (" + config.requestTimeoutSecs() + ")"), true);
                }
            });
        }

        void fail(RequestRejected rejected, boolean closeAfter) {
            if (done) {
                return; // answered already: neither counted nor sent twice
            }
            JsonObject body;
            if (endpoint.hec) {
                body = new JsonObject().put("text", rejected.getMessage()).put("code", rejected.hecCode());
                if (rejected.invalidEventNumber() != null) {
                    body.put("invalid-event-number", rejected.invalidEventNumber() - 1);
                }
            } else {
                body = new JsonObject().put("error", rejected.error()).put("message", rejected.getMessage());
                if (rejected.invalidEventNumber() != null) {
                    body.put("line", rejected.invalidEventNumber());
                }
            }
            Counter.builder("redactd.http.rejected").description("Requests refused, by status").tag("input", id).tag("endpoint", endpoint.tag)
                    .tag("status", String.valueOf(rejected.status())).register(metrics).increment();
            if (closeAfter) {
                // the unread body must not be parsed as the next request
                req.response().putHeader("Connection", "close");
            }
            Future<Void> sent = reply(rejected.status(), body);
            if (closeAfter) {
                sent.onComplete(v -> closeAfterAnswer());
            }
        }

        /**
         * Closes the connection after a refusal. A body still arriving (refused before it was read or part way: its
         * size, the memory budget, authentication) is first read and dropped, never charged, until it ends or for
         * {@link #LINGER_MILLIS} at most: closing with the sender's bytes unread resets the connection, and the reset
         * can destroy the answer before the sender reads it, so it would see a broken connection instead of the 413 or
         * the 503 and its Retry-After.
         */
        private void closeAfterAnswer() {
            if (req.isEnded()) {
                req.connection().close();
                return;
            }
            long linger = vertx.setTimer(LINGER_MILLIS, t -> req.connection().close());
            req.handler(chunk -> {
            });
            req.endHandler(v -> {
                vertx.cancelTimer(linger);
                req.connection().close();
            });
        }

        Future<Void> reply(int status, JsonObject body) {
            if (done) {
                return Future.succeededFuture();
            }
            finish();
            if (req.response().closed() || req.response().ended()) {
                return Future.succeededFuture();
            }
            return req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(body.encode());
        }

        /**
         * The whole body is in: the request no longer counts as uploading, and {@code request_timeout_secs} no longer
         * applies. From here the pipeline's wait is bounded by {@code ack_timeout_secs} (503 + Retry-After); a deadline
         * left running would answer a request stalled in the pipeline with a 408 blaming its upload (bb8-scale F7).
         */
        void received() {
            if (uploading) {
                uploading = false;
                uploadingRequests.decrementAndGet();
            }
            if (deadline >= 0) {
                vertx.cancelTimer(deadline);
                deadline = -1;
            }
        }

        void finish() {
            if (done) {
                return;
            }
            done = true;
            received();
            if (counted) {
                inflightRequests.decrementAndGet();
            }
            if (memory != null) {
                memory.close();
            }
            if (watch != null) {
                watch.idle.requestFinished(System.nanoTime());
            }
        }
    }
}
