package io.redactd.outputs.splunk;

import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.delivery.Backoff;
import io.redactd.outputs.delivery.DeadLetterFile;
import io.redactd.outputs.delivery.HttpEndpoint;
import io.redactd.outputs.delivery.OutputFailure;
import io.redactd.outputs.delivery.OutputMetrics;
import io.redactd.outputs.delivery.SecretFile;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Ships documents to Splunk's HTTP Event Collector.
 *
 * <p>Answers are handled by HEC status code, as Splunk documents them: 8 (internal error), 9 (server busy) and 18-20
 * (unhealthy), like HTTP 429/5xx and unreachable collectors, are retried with capped exponential backoff for as long
 * as it takes (the buffer holds the events); 1-4 (token disabled, missing, malformed, invalid), 7 (index not allowed),
 * 10/11 (channel missing/invalid) and 14 (acknowledgement disabled) need an operator: the write fails with the code and
 * Splunk's text, and the events stay in the buffer; 5, 6, 12, 13 and 15 reject data: the event Splunk names by
 * {@code invalid-event-number} is sent alone to confirm and dead-lettered if rejected again, the others are resent
 * (Splunk may have indexed those before the bad one, so this can duplicate, never lose; resends are counted).
 *
 * <p>With {@code ack.enabled}, every request carries the {@code X-Splunk-Request-Channel} header, its {@code ackId} is
 * polled at {@code /services/collector/ack}, and {@link #write} completes (so the buffer releases the events) only when
 * every request of the batch is acknowledged; a request not acknowledged within {@code ack.timeout_ms} is resent.
 */
public final class SplunkHecOutput implements Output {
    private static final Logger LOG = LoggerFactory.getLogger(SplunkHecOutput.class);
    private static final String EVENT_PATH = "/services/collector/event";
    private static final String ACK_PATH = "/services/collector/ack";

    private final String id;
    private final SplunkHecOutputConfig config;
    private final Vertx vertx;
    private final OutputMetrics metrics;
    private final HttpEndpoint endpoint;
    private final HecEnvelope envelope;
    private final DeadLetterFile deadLetters;
    private final Backoff backoff;
    private final String channel;
    private HttpClientAgent client;
    private String authorization;
    private volatile boolean ready;

    private enum Verdict { SUCCESS, RETRY, FATAL, BAD_DATA }

    /** A request Splunk accepted and has not yet acknowledged. */
    private record Unacknowledged(long ackId, List<byte[]> events, long deadlineMillis, int sends) {
    }

    private record Response(int status, HecResponse hec) {
    }

    public SplunkHecOutput(String id, SplunkHecOutputConfig config, Vertx vertx, MeterRegistry registry) {
        this.id = id;
        this.config = config;
        this.vertx = vertx;
        this.metrics = new OutputMetrics(registry, id, "splunk_hec");
        this.endpoint = HttpEndpoint.parse(config.endpoint());
        this.envelope = new HecEnvelope(config.host() != null ? config.host() : localHostName(), config.source(),
                config.sourcetype(), config.index());
        this.deadLetters = new DeadLetterFile(Path.of(config.deadLetterPath()), id);
        this.backoff = config.retry().backoff();
        this.channel = config.channel() != null ? config.channel() : UUID.randomUUID().toString();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "redactd";
        }
    }

    @Override
    public String id() {
        return id;
    }

    public OutputMetrics metrics() {
        return metrics;
    }

    @Override
    public Future<Void> start() {
        return vertx.executeBlocking(() -> "Splunk " + SecretFile.read(config.tokenFile())).map(auth -> {
            authorization = auth;
            if (!endpoint.tls()) {
                LOG.warn("output {} sends to {} over plain http", id, endpoint.host());
            } else if (!config.tls().verifyHostname()) {
                LOG.warn("output {}: TLS hostname verification is off", id);
            }
            client = endpoint.createClient(vertx, config.tls(), 10_000, 4);
            ready = true;
            return null;
        });
    }

    @Override
    public Future<Void> write(EventBatch batch) {
        List<List<byte[]>> requests = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        long bytes = 0;
        for (byte[] document : batch.documents()) {
            if (!current.isEmpty() && (current.size() >= config.batch().maxDocuments()
                    || bytes + document.length > config.batch().maxBytes())) {
                requests.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(document);
            bytes += document.length;
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        List<Unacknowledged> unacknowledged = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (List<byte[]> events : requests) {
            chain = chain.compose(v -> send(events, 0, 1).map(accepted -> {
                unacknowledged.addAll(accepted);
                return null;
            }));
        }
        return config.ack().enabled() ? chain.compose(v -> awaitAcknowledgements(unacknowledged, 0)) : chain;
    }

    /**
     * Sends events until the collector accepts or rejects each of them for good. Returns the accepted requests awaiting
     * acknowledgement (empty without ack). {@code sends} counts sends of these events, for the ack-timeout bound.
     */
    private Future<List<Unacknowledged>> send(List<byte[]> events, int outageRetries, int sends) {
        byte[] body = envelope.encode(events, config.gzip());
        RequestOptions options = request(EVENT_PATH);
        if (config.gzip()) {
            options.putHeader("Content-Encoding", "gzip");
        }
        return post(options, Buffer.buffer(body)).transform(result -> {
            if (result.failed()) {
                return retry(events, outageRetries, sends, result.cause().getClass().getSimpleName());
            }
            Response response = result.result();
            HecResponse hec = response.hec();
            switch (classify(response.status(), hec.code())) {
                case SUCCESS -> {
                    ready = true;
                    if (!config.ack().enabled()) {
                        metrics.sent(events.size());
                        return Future.succeededFuture(List.of());
                    }
                    if (hec.ackId() < 0) {
                        ready = false;
                        return Future.failedFuture(new OutputFailure("output " + id + ": ack is enabled but the collector"
                                + " returned no ackId; turn on indexer acknowledgement for the token"));
                    }
                    return Future.succeededFuture(List.of(new Unacknowledged(hec.ackId(), events,
                            System.currentTimeMillis() + config.ack().timeoutMs(), sends)));
                }
                case RETRY -> {
                    return retry(events, outageRetries, sends, describe(response));
                }
                case FATAL -> {
                    ready = false;
                    return Future.failedFuture(new OutputFailure("output " + id + ": Splunk HEC at " + endpoint.host()
                            + " refused the events: " + describe(response)));
                }
                default -> {
                    return rejected(events, response, sends);
                }
            }
        });
    }

    private Future<List<Unacknowledged>> retry(List<byte[]> events, int outageRetries, int sends, String why) {
        ready = false;
        metrics.retried(events.size());
        long delay = backoff.delayMs(outageRetries);
        if (outageRetries == 0 || outageRetries % 10 == 0) {
            LOG.warn("output {}: HEC request of {} events failed ({}); retrying in {} ms", id, events.size(), why, delay);
        }
        return delay(delay).compose(v -> send(events, outageRetries + 1, sends));
    }

    /** The collector rejected data: isolate the event it named (or halve), dead-letter what is rejected alone. */
    private Future<List<Unacknowledged>> rejected(List<byte[]> events, Response response, int sends) {
        if (events.size() == 1) {
            return writeDeadLetters(List.of(new DeadLetterFile.Entry(events.get(0), response.status(),
                    "hec_code_" + response.hec().code(), response.hec().text(), sends))).map(v -> List.of());
        }
        int named = response.hec().invalidEventNumber();
        List<byte[]> first;
        List<byte[]> second;
        if (named >= 0 && named < events.size()) {
            first = List.of(events.get(named));
            second = new ArrayList<>(events.subList(0, named));
            second.addAll(events.subList(named + 1, events.size()));
        } else {
            first = events.subList(0, events.size() / 2);
            second = events.subList(events.size() / 2, events.size());
        }
        metrics.retried(events.size());
        List<Unacknowledged> accepted = new ArrayList<>();
        return send(first, 0, sends).compose(a -> {
            accepted.addAll(a);
            return send(second, 0, sends);
        }).map(b -> {
            accepted.addAll(b);
            return accepted;
        });
    }

    private Future<Void> awaitAcknowledgements(List<Unacknowledged> pending, int pollFailures) {
        if (pending.isEmpty()) {
            return Future.succeededFuture();
        }
        StringBuilder ids = new StringBuilder("{\"acks\":[");
        for (int i = 0; i < pending.size(); i++) {
            ids.append(i == 0 ? "" : ",").append(pending.get(i).ackId());
        }
        ids.append("]}");
        RequestOptions options = request(ACK_PATH);
        return delay(config.ack().pollIntervalMs())
                .compose(v -> client.request(options))
                .compose(request -> request.send(Buffer.buffer(ids.toString())))
                .compose(response -> response.body().map(body -> new AckPoll(response.statusCode(), body.getBytes())))
                .transform(result -> {
                    Map<Long, Boolean> acks = Map.of();
                    int failures = pollFailures;
                    if (result.succeeded() && result.result().status() == 200) {
                        try {
                            acks = HecResponse.parseAcks(result.result().body());
                            failures = 0;
                        } catch (java.io.IOException e) {
                            failures++;
                        }
                    } else if (result.succeeded()) {
                        HecResponse hec = HecResponse.parse(result.result().body());
                        if (classify(result.result().status(), hec.code()) == Verdict.FATAL) {
                            ready = false;
                            return Future.failedFuture(new OutputFailure("output " + id + ": ack polling refused: "
                                    + describe(new Response(result.result().status(), hec))));
                        }
                        failures++;
                    } else {
                        failures++;
                    }
                    if (failures == 1 || failures % 10 == 0) {
                        LOG.warn("output {}: ack poll failed {} times in a row", id, failures);
                    }
                    return settleAcks(pending, acks, failures);
                });
    }

    private record AckPoll(int status, byte[] body) {
    }

    private Future<Void> settleAcks(List<Unacknowledged> pending, Map<Long, Boolean> acks, int pollFailures) {
        long now = System.currentTimeMillis();
        List<Unacknowledged> stillPending = new ArrayList<>();
        List<Unacknowledged> expired = new ArrayList<>();
        for (Unacknowledged request : pending) {
            if (Boolean.TRUE.equals(acks.get(request.ackId()))) {
                metrics.sent(request.events().size());
            } else if (now >= request.deadlineMillis()) {
                expired.add(request);
            } else {
                stillPending.add(request);
            }
        }
        Future<Void> chain = Future.succeededFuture();
        for (Unacknowledged request : expired) {
            if (request.sends() >= config.retry().maxAttempts()) {
                List<DeadLetterFile.Entry> entries = new ArrayList<>();
                for (byte[] event : request.events()) {
                    entries.add(new DeadLetterFile.Entry(event, 200, "not_acknowledged",
                            "no indexer acknowledgement after " + request.sends() + " sends", request.sends()));
                }
                chain = chain.compose(v -> writeDeadLetters(entries));
            } else {
                LOG.warn("output {}: ackId {} not acknowledged in {} ms; resending {} events", id, request.ackId(),
                        config.ack().timeoutMs(), request.events().size());
                metrics.retried(request.events().size());
                chain = chain.compose(v -> send(request.events(), 0, request.sends() + 1).map(again -> {
                    stillPending.addAll(again);
                    return null;
                }));
            }
        }
        return chain.compose(v -> awaitAcknowledgements(stillPending, pollFailures));
    }

    private static Verdict classify(int status, int code) {
        if (status == 200 && (code == 0 || code == -1)) {
            return Verdict.SUCCESS;
        }
        switch (code) {
            case 8, 9, 18, 19, 20:
                return Verdict.RETRY;
            case 1, 2, 3, 4, 7, 10, 11, 14, 16:
                return Verdict.FATAL;
            case 5, 6, 12, 13, 15:
                return Verdict.BAD_DATA;
            default:
                break;
        }
        if (status == 429 || status >= 500 || status == 408) {
            return Verdict.RETRY;
        }
        if (status == 400 || status == 413) {
            return Verdict.BAD_DATA;
        }
        return Verdict.FATAL;
    }

    private static String describe(Response response) {
        return "HTTP " + response.status() + ", HEC code " + response.hec().code() + " (" + response.hec().text() + ")";
    }

    private RequestOptions request(String path) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI(endpoint.basePath() + path)
                .setIdleTimeout(config.requestTimeoutMs())
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/json");
        if (config.ack().enabled() || config.channel() != null) {
            options.putHeader("X-Splunk-Request-Channel", channel);
        }
        return options;
    }

    private Future<Response> post(RequestOptions options, Buffer body) {
        return client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> new Response(response.statusCode(),
                        HecResponse.parse(b.getBytes()))));
    }

    private Future<Void> writeDeadLetters(List<DeadLetterFile.Entry> entries) {
        return vertx.executeBlocking(() -> {
            deadLetters.write(entries);
            return null;
        }, false).<Void>mapEmpty().onSuccess(v -> {
            metrics.deadLettered(entries.size());
            LOG.warn("output {}: {} events dead-lettered to {} ({})", id, entries.size(), deadLetters.path(),
                    entries.get(0).errorType());
        });
    }

    private Future<Void> delay(long millis) {
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(Math.max(1, millis), t -> promise.complete());
        return promise.future();
    }

    String channel() {
        return channel;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public Future<Void> stop() {
        ready = false;
        return client == null ? Future.succeededFuture() : client.close();
    }
}
