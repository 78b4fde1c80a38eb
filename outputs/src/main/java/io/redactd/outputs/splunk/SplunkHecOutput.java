package io.redactd.outputs.splunk;

import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.delivery.Backoff;
import io.redactd.outputs.delivery.DeadLetterFile;
import io.redactd.outputs.delivery.Failures;
import io.redactd.outputs.delivery.HttpEndpoint;
import io.redactd.outputs.delivery.HttpExchange;
import io.redactd.outputs.delivery.OutputFailure;
import io.redactd.outputs.delivery.OutputMetrics;
import io.redactd.outputs.delivery.Readiness;
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
 * (unhealthy), like HTTP 408/429/5xx and unreachable collectors, are retried with capped exponential backoff for as long
 * as it takes (the buffer holds the events); 1-4 (token disabled, missing, malformed, invalid), 7 (index not allowed),
 * 10/11 (channel missing/invalid) and 14 (acknowledgement disabled) need an operator: the write fails with the code and
 * Splunk's text, and the events stay in the buffer; 5, 6, 12, 13 and 15 reject data: Splunk indexes the events before
 * the one it names by {@code invalid-event-number}, so (without ack) those count as delivered, the named one is
 * dead-lettered and only the events after it are resent; without a number the request is halved until the bad event
 * is alone. A success is only an answer that reads {@code "code":0}: a 2xx with any other body (an HTML page from a
 * proxy, an empty body) is a protocol error, retried and counted, never taken for delivery.
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
    private final Readiness readiness;
    private HttpClientAgent client;
    private String authorization;

    private enum Verdict { SUCCESS, RETRY, FATAL, BAD_DATA, PROTOCOL }

    /** Events dead-lettered during one write, for the one summary line it logs. */
    private static final class Tally {
        int events;
        String firstType;
    }

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
        this.readiness = new Readiness(id);
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
            readiness.ready();
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
        Tally tally = new Tally();
        Future<Void> chain = Future.succeededFuture();
        for (List<byte[]> events : requests) {
            chain = chain.compose(v -> send(events, 0, 1, tally).map(accepted -> {
                unacknowledged.addAll(accepted);
                return null;
            }));
        }
        if (config.ack().enabled()) {
            chain = chain.compose(v -> awaitAcknowledgements(unacknowledged, 0, tally));
        }
        return chain.onComplete(done -> {
            if (tally.events > 0) {
                LOG.warn("output {}: {} of {} events dead-lettered to {} (first: {})", id, tally.events,
                        batch.documents().size(), deadLetters.path(), tally.firstType);
            }
        });
    }

    /**
     * Sends events until the collector accepts or rejects each of them for good. Returns the accepted requests awaiting
     * acknowledgement (empty without ack). {@code sends} counts sends of these events, for the ack-timeout bound.
     */
    private Future<List<Unacknowledged>> send(List<byte[]> events, int outageRetries, int sends, Tally tally) {
        byte[] body = envelope.encode(events, config.gzip());
        RequestOptions options = request(EVENT_PATH);
        if (config.gzip()) {
            options.putHeader("Content-Encoding", "gzip");
        }
        return post(options, Buffer.buffer(body)).transform(result -> {
            if (result.failed()) {
                return retry(events, outageRetries, sends, tally, Failures.describe(result.cause()));
            }
            Response response = result.result();
            HecResponse hec = response.hec();
            switch (classify(response.status(), hec.code())) {
                case SUCCESS -> {
                    if (!config.ack().enabled()) {
                        readiness.ready();
                        metrics.sent(events.size());
                        return Future.succeededFuture(List.of());
                    }
                    if (hec.ackId() < 0) {
                        // A real HEC answer ({"code":0}) without an ackId: the token has acknowledgement turned off.
                        String message = "Splunk HEC at " + endpoint.host() + " accepted the events but returned no ackId"
                                + " although ack is enabled; turn on indexer acknowledgement for the token";
                        readiness.notReady(message);
                        return Future.failedFuture(new OutputFailure("output " + id + ": " + message));
                    }
                    readiness.ready();
                    return Future.succeededFuture(List.of(new Unacknowledged(hec.ackId(), events,
                            System.currentTimeMillis() + config.ack().timeoutMs(), sends)));
                }
                case PROTOCOL -> {
                    // Never a delivery: a proxy, a load balancer or the Splunk Web port answered (bb7 D1).
                    metrics.protocolError();
                    return retry(events, outageRetries, sends, tally, "HTTP " + response.status() + " from "
                            + endpoint.host() + " is not a HEC response (no \"code\":0); check the endpoint");
                }
                case RETRY -> {
                    return retry(events, outageRetries, sends, tally, describe(response));
                }
                case FATAL -> {
                    String message = "Splunk HEC at " + endpoint.host() + " refused the events: " + describe(response);
                    readiness.notReady(message);
                    return Future.failedFuture(new OutputFailure("output " + id + ": " + message));
                }
                default -> {
                    return rejected(events, response, sends, tally);
                }
            }
        });
    }

    private Future<List<Unacknowledged>> retry(List<byte[]> events, int outageRetries, int sends, Tally tally,
                                                String why) {
        readiness.notReady(why);
        metrics.retried(events.size());
        long delay = backoff.delayMs(outageRetries);
        if (outageRetries == 0 || outageRetries % 10 == 0) {
            LOG.warn("output {}: HEC request of {} events failed ({}); retrying in {} ms", id, events.size(), why, delay);
        }
        return delay(delay).compose(v -> send(events, outageRetries + 1, sends, tally));
    }

    /**
     * The collector rejected data. Splunk indexes the events of a request up to the first invalid one and names that
     * one by {@code invalid-event-number}: the events before it are delivered (without ack; with ack no ackId covers
     * them, so they are resent), the named one is dead-lettered, and only the events after it are sent again. Without
     * a number the request is halved until the rejected event is alone (bb7 D13).
     */
    private Future<List<Unacknowledged>> rejected(List<byte[]> events, Response response, int sends, Tally tally) {
        HecResponse hec = response.hec();
        int named = hec.invalidEventNumber();
        if (events.size() == 1 || (named >= 0 && named < events.size())) {
            int bad = events.size() == 1 ? 0 : named;
            List<byte[]> again = new ArrayList<>();
            if (config.ack().enabled()) {
                again.addAll(events.subList(0, bad));
            } else {
                metrics.sent(bad);
            }
            again.addAll(events.subList(bad + 1, events.size()));
            Future<Void> deadLettered = writeDeadLetters(List.of(new DeadLetterFile.Entry(events.get(bad),
                    response.status(), "hec_code_" + hec.code(), hec.text(), sends)), tally);
            if (again.isEmpty()) {
                return deadLettered.map(v -> List.of());
            }
            metrics.retried(again.size());
            return deadLettered.compose(v -> send(again, 0, sends, tally));
        }
        List<byte[]> first = events.subList(0, events.size() / 2);
        List<byte[]> second = events.subList(events.size() / 2, events.size());
        metrics.retried(events.size());
        List<Unacknowledged> accepted = new ArrayList<>();
        return send(first, 0, sends, tally).compose(a -> {
            accepted.addAll(a);
            return send(second, 0, sends, tally);
        }).map(b -> {
            accepted.addAll(b);
            return accepted;
        });
    }

    private Future<Void> awaitAcknowledgements(List<Unacknowledged> pending, int pollFailures, Tally tally) {
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
                .compose(v -> HttpExchange.send(vertx, client, options, Buffer.buffer(ids.toString()),
                        config.requestTimeoutMs()))
                .map(reply -> new AckPoll(reply.status(), reply.body()))
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
                            String message = "ack polling refused: " + describe(new Response(result.result().status(), hec));
                            readiness.notReady(message);
                            return Future.failedFuture(new OutputFailure("output " + id + ": " + message));
                        }
                        failures++;
                    } else {
                        failures++;
                    }
                    if (failures == 1 || failures % 10 == 0) {
                        LOG.warn("output {}: ack poll failed {} times in a row", id, failures);
                    }
                    return settleAcks(pending, acks, failures, tally);
                });
    }

    private record AckPoll(int status, byte[] body) {
    }

    private Future<Void> settleAcks(List<Unacknowledged> pending, Map<Long, Boolean> acks, int pollFailures,
                                    Tally tally) {
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
                chain = chain.compose(v -> writeDeadLetters(entries, tally));
            } else {
                LOG.warn("output {}: ackId {} not acknowledged in {} ms; resending {} events", id, request.ackId(),
                        config.ack().timeoutMs(), request.events().size());
                metrics.retried(request.events().size());
                chain = chain.compose(v -> send(request.events(), 0, request.sends() + 1, tally).map(again -> {
                    stillPending.addAll(again);
                    return null;
                }));
            }
        }
        return chain.compose(v -> awaitAcknowledgements(stillPending, pollFailures, tally));
    }

    /**
     * A 2xx is a success only when it reads {@code "code":0}; a 2xx without a HEC code (not JSON, empty, another
     * document) is a protocol error. Other statuses go by HEC code first, then by HTTP status.
     */
    private static Verdict classify(int status, int code) {
        if (status / 100 == 2) {
            if (code == 0) {
                return Verdict.SUCCESS;
            }
            if (code < 0) {
                return Verdict.PROTOCOL;
            }
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
        if (status / 100 == 2) {
            return Verdict.PROTOCOL; // a 2xx with a code HEC does not use
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
                .setIdleTimeout(config.requestTimeoutMs()) // HttpExchange bounds the whole exchange by the same time
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/json");
        if (config.ack().enabled() || config.channel() != null) {
            options.putHeader("X-Splunk-Request-Channel", channel);
        }
        return options;
    }

    private Future<Response> post(RequestOptions options, Buffer body) {
        return HttpExchange.send(vertx, client, options, body, config.requestTimeoutMs())
                .map(reply -> new Response(reply.status(), HecResponse.parse(reply.body())));
    }

    /** Fsyncs the entries to the dead-letter file and counts them; {@link #write} logs one summary per batch. */
    private Future<Void> writeDeadLetters(List<DeadLetterFile.Entry> entries, Tally tally) {
        return vertx.executeBlocking(() -> {
            deadLetters.write(entries);
            return null;
        }, false).<Void>mapEmpty().onSuccess(v -> {
            metrics.deadLettered(entries.size());
            if (tally.events == 0) {
                tally.firstType = entries.get(0).errorType();
            }
            tally.events += entries.size();
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
        return readiness.isReady();
    }

    @Override
    public String notReadyReason() {
        return readiness.reason();
    }

    @Override
    public Future<Void> stop() {
        readiness.down("stopped");
        return client == null ? Future.succeededFuture() : client.close();
    }
}
