package io.redactd.outputs.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.delivery.Backoff;
import io.redactd.outputs.delivery.DeadLetterFile;
import io.redactd.outputs.delivery.EventTime;
import io.redactd.outputs.delivery.ExchangeException;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Ships documents to Elasticsearch or OpenSearch through {@code _bulk}, with no vendor client.
 *
 * <p>Every response is read item by item. Items answered 429 (flood-stage block, rejected execution: "come back
 * later") are held back and sent again with capped backoff until accepted, like an outage, with {@code ready()} false;
 * items answered 5xx are sent again up to {@code retry.max_attempts}, then dead-lettered. Items answered with any other
 * error (mapping conflicts, bad documents) go to the dead-letter file at once. When the whole request fails (node down,
 * deadline, 408/429/5xx, an answer that is not a bulk response), it is retried with capped backoff for as long as it
 * takes: the disk buffer behind this output holds the events, and giving up on an outage would turn it into data loss.
 * 401/403 (credentials) and 3xx/404/405/other 4xx (wrong endpoint or proxy route) fail the write with an
 * {@link OutputFailure}: a configuration problem needs an operator, and the events stay in the buffer meanwhile. Only
 * 400/422 for the whole request and a single document too large (413) are dead-lettered: the store rejected the data.
 * The classification table is in the module README.
 */
public final class ElasticsearchOutput implements Output {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchOutput.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final String id;
    private final ElasticsearchOutputConfig config;
    private final Vertx vertx;
    private final OutputMetrics metrics;
    private final HttpEndpoint endpoint;
    private final IndexName indexName;
    private final DeadLetterFile deadLetters;
    private final Backoff backoff;
    private final Readiness readiness;
    private HttpClientAgent client;
    private String authorization;
    private volatile boolean templateInstalled;

    public ElasticsearchOutput(String id, ElasticsearchOutputConfig config, Vertx vertx, MeterRegistry registry) {
        this.id = id;
        this.config = config;
        this.vertx = vertx;
        this.metrics = new OutputMetrics(registry, id, "elasticsearch");
        this.endpoint = HttpEndpoint.parse(config.endpoint());
        this.indexName = new IndexName(config.index());
        this.deadLetters = new DeadLetterFile(Path.of(config.deadLetterPath()), id);
        this.backoff = config.retry().backoff();
        this.readiness = new Readiness(id);
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
        return vertx.executeBlocking(this::readAuthorization).compose(auth -> {
            authorization = auth;
            if (!endpoint.tls()) {
                LOG.warn("output {} sends to {} over plain http", id, endpoint.host());
            } else if (!config.tls().verifyHostname()) {
                LOG.warn("output {}: TLS hostname verification is off", id);
            }
            client = endpoint.createClient(vertx, config.tls(), 10_000, 4);
            if (!config.template().install()) {
                templateInstalled = true;
                readiness.ready();
                return Future.succeededFuture();
            }
            // A node that is down at start must not stop the daemon: the template is installed before the first bulk.
            return installTemplate().map(v -> {
                readiness.ready();
                return (Void) null;
            }).recover(e -> {
                if (e instanceof OutputFailure) {
                    return Future.failedFuture(e);
                }
                String why = Failures.describe(e);
                readiness.notReady("index template not installed: " + why);
                LOG.warn("output {}: index template not installed yet ({}); will retry before sending", id, why);
                return Future.succeededFuture();
            });
        });
    }

    private String readAuthorization() throws IOException {
        if (config.apiKeyFile() != null) {
            return "ApiKey " + SecretFile.read(config.apiKeyFile());
        }
        if (config.username() != null) {
            String pair = config.username() + ":" + SecretFile.read(config.passwordFile());
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private Future<Void> installTemplate() {
        String body = IndexTemplate.body(indexName.wildcard(), config.dataStream());
        return request(HttpMethod.PUT, "/_index_template/" + config.template().name(), Buffer.buffer(body), false)
                .compose(response -> {
                    if (response.status() / 100 == 2) {
                        templateInstalled = true;
                        LOG.info("output {}: index template {} installed for {}", id, config.template().name(),
                                indexName.wildcard());
                        return Future.succeededFuture();
                    }
                    if (response.status() != 401 && response.status() != 403 && response.status() != 400) {
                        return Future.failedFuture(new ExchangeException("HTTP " + response.status() + " from "
                                + endpoint.host()));
                    }
                    // The error type only: whatever answers in the cluster's place could put values or line breaks in
                    // the body, and this message reaches the log and start-up errors.
                    String message = "index template rejected: HTTP " + response.status() + " "
                            + errorType(response.body());
                    readiness.notReady("index template rejected: HTTP " + response.status());
                    return Future.failedFuture(new OutputFailure(message));
                });
    }

    @Override
    public Future<Void> write(EventBatch batch) {
        Future<Void> chain = templateInstalled ? Future.succeededFuture() : ensureTemplate(0, batch.documents().size());
        List<BulkRequest.Item> current = new ArrayList<>();
        long bytes = 0;
        long now = System.currentTimeMillis();
        for (byte[] document : batch.documents()) {
            if (!current.isEmpty() && (current.size() >= config.batch().maxDocuments()
                    || bytes + document.length > config.batch().maxBytes())) {
                List<BulkRequest.Item> request = current;
                chain = chain.compose(v -> deliver(request, 0));
                current = new ArrayList<>();
                bytes = 0;
            }
            String index = indexName.dated() ? indexName.format(EventTime.epochMillis(document, now)) : indexName.format(now);
            current.add(new BulkRequest.Item(document, index, 1));
            bytes += document.length;
        }
        if (!current.isEmpty()) {
            List<BulkRequest.Item> request = current;
            chain = chain.compose(v -> deliver(request, 0));
        }
        return chain;
    }

    /**
     * Installs the template before the first bulk, retrying while the node cannot be reached; every failed round
     * counts the batch's documents as retried (they wait for it) and is logged, rate-limited (bb7 D15).
     */
    private Future<Void> ensureTemplate(int failures, int documents) {
        return installTemplate().recover(e -> {
            if (e instanceof OutputFailure) {
                return Future.failedFuture(e);
            }
            String why = Failures.describe(e);
            readiness.notReady("index template not installed: " + why);
            metrics.retried(documents);
            long delay = backoff.delayMs(failures);
            if (failures == 0 || failures % 10 == 0) {
                LOG.warn("output {}: installing index template {} failed ({}); {} documents wait, retry {} in {} ms", id,
                        config.template().name(), why, documents, failures + 1, delay);
            }
            return delay(delay).compose(v -> ensureTemplate(failures + 1, documents));
        });
    }

    /**
     * Sends one bulk request and settles every item in it: sent, retried (recursively) or dead-lettered.
     * {@code outageRetries} counts consecutive whole-request failures, only to grow the backoff.
     */
    private Future<Void> deliver(List<BulkRequest.Item> items, int outageRetries) {
        byte[] body = BulkRequest.encode(items, config.dataStream(), config.gzip());
        return request(HttpMethod.POST, "/_bulk", Buffer.buffer(body), config.gzip()).transform(result -> {
            if (result.failed()) {
                return retryRequest(items, outageRetries, Failures.describe(result.cause()));
            }
            Response response = result.result();
            int status = response.status();
            if (status / 100 == 2) {
                return settle(items, response.body(), outageRetries);
            }
            if (status == 408 || status == 429 || status >= 500) {
                return retryRequest(items, outageRetries, "HTTP " + status + " from " + endpoint.host());
            }
            if (status == 413 && items.size() > 1) {
                int half = items.size() / 2;
                return deliver(items.subList(0, half), 0).compose(v -> deliver(items.subList(half, items.size()), 0));
            }
            if (status == 400 || status == 413 || status == 422) {
                return deadLetter(items, status, errorType(response.body()), "request rejected as a whole");
            }
            // Refused credentials, or a request that never reached _bulk (wrong path prefix, a proxy's 404/405, a
            // redirect): configuration, not data. The batch stays in the buffer (bb7 D10).
            String message = status == 401 || status == 403
                    ? endpoint.host() + " refused the credentials (HTTP " + status + ")"
                    : endpoint.host() + " answered HTTP " + status + " for " + endpoint.basePath() + "/_bulk: not a bulk"
                    + " endpoint; check the endpoint (path prefix, proxy route)";
            readiness.notReady(message);
            return Future.failedFuture(new OutputFailure("output " + id + ": " + message));
        });
    }

    private Future<Void> retryRequest(List<BulkRequest.Item> items, int outageRetries, String why) {
        readiness.notReady(why);
        metrics.retried(items.size());
        long delay = backoff.delayMs(outageRetries);
        if (outageRetries == 0 || outageRetries % 10 == 0) {
            LOG.warn("output {}: bulk request of {} documents failed ({}); retrying in {} ms", id, items.size(), why, delay);
        }
        return delay(delay).compose(v -> deliver(items, outageRetries + 1));
    }

    private Future<Void> settle(List<BulkRequest.Item> items, byte[] body, int outageRetries) {
        BulkResponse response;
        try {
            response = BulkResponse.parse(body);
        } catch (IOException e) {
            // Not a bulk answer (an HTML page, an empty body from a proxy): nothing says the documents were indexed.
            metrics.protocolError();
            return retryRequest(items, outageRetries, "unreadable bulk response from " + endpoint.host());
        }
        if (!response.errors()) {
            readiness.ready();
            metrics.sent(items.size());
            return Future.succeededFuture();
        }
        List<BulkResponse.ItemResult> results = response.items();
        if (results.size() != items.size()) {
            metrics.protocolError();
            return retryRequest(items, outageRetries, "bulk response from " + endpoint.host() + " has " + results.size()
                    + " items for " + items.size() + " documents");
        }
        List<BulkRequest.Item> retry = new ArrayList<>();
        List<DeadLetterFile.Entry> rejected = new ArrayList<>();
        int sent = 0;
        int throttled = 0;
        String throttledType = null;
        for (int i = 0; i < items.size(); i++) {
            BulkResponse.ItemResult result = results.get(i);
            BulkRequest.Item item = items.get(i);
            if (result.ok()) {
                sent++;
            } else if (result.status() == 429) {
                // Back-pressure from the cluster (flood stage, full queues): hold back, never dead-letter (bb7 D5).
                retry.add(item.retried());
                throttled++;
                throttledType = throttledType == null ? nullToEmpty(result.errorType()) : throttledType;
            } else if (result.retryable() && item.attempts() < config.retry().maxAttempts()) {
                retry.add(item.retried());
            } else {
                String reason = result.retryable() ? "retries exhausted: " + nullToEmpty(result.reason()) : nullToEmpty(result.reason());
                rejected.add(new DeadLetterFile.Entry(item.document(), result.status(), nullToEmpty(result.errorType()),
                        reason, item.attempts()));
            }
        }
        metrics.sent(sent);
        Future<Void> done = rejected.isEmpty() ? Future.succeededFuture() : writeDeadLetters(rejected);
        if (retry.isEmpty()) {
            readiness.ready();
            return done;
        }
        metrics.retried(retry.size());
        int round = retry.get(0).attempts() - 2;
        if (throttled > 0) {
            String why = "HTTP 429 " + throttledType + " for " + throttled + " of " + items.size()
                    + " documents: the cluster asks to slow down (disk flood stage, full queues); holding them back";
            readiness.notReady(why);
            if (round == 0 || round % 10 == 0) {
                LOG.warn("output {}: {} (retry round {})", id, why, round + 1);
            }
        } else {
            readiness.ready();
        }
        long delay = backoff.delayMs(round);
        return done.compose(v -> delay(delay)).compose(v -> deliver(retry, 0));
    }

    private Future<Void> deadLetter(List<BulkRequest.Item> items, int status, String type, String reason) {
        List<DeadLetterFile.Entry> entries = new ArrayList<>(items.size());
        for (BulkRequest.Item item : items) {
            entries.add(new DeadLetterFile.Entry(item.document(), status, type, reason, item.attempts()));
        }
        return writeDeadLetters(entries);
    }

    private Future<Void> writeDeadLetters(List<DeadLetterFile.Entry> entries) {
        return vertx.executeBlocking(() -> {
            deadLetters.write(entries);
            return null;
        }, false).<Void>mapEmpty().onSuccess(v -> {
            metrics.deadLettered(entries.size());
            // Types and counts only: reasons can quote (redacted) field values and stay in the dead-letter file.
            LOG.warn("output {}: {} documents dead-lettered to {} (first: HTTP {} {})", id, entries.size(),
                    deadLetters.path(), entries.get(0).status(), entries.get(0).errorType());
        });
    }

    private record Response(int status, byte[] body) {
    }

    private Future<Response> request(HttpMethod method, String path, Buffer body, boolean gzipped) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setURI(endpoint.basePath() + path)
                .setIdleTimeout(config.requestTimeoutMs()) // HttpExchange bounds the whole exchange by the same time
                .putHeader("Content-Type", method == HttpMethod.POST ? "application/x-ndjson" : "application/json")
                .putHeader("Accept-Encoding", "gzip");
        if (gzipped) {
            options.putHeader("Content-Encoding", "gzip");
        }
        if (authorization != null) {
            options.putHeader("Authorization", authorization);
        }
        return HttpExchange.send(vertx, client, options, body, config.requestTimeoutMs())
                .map(reply -> new Response(reply.status(), reply.body()));
    }

    private Future<Void> delay(long millis) {
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(Math.max(1, millis), t -> promise.complete());
        return promise.future();
    }

    /** The {@code error.type} of an error response ({@code {"error":{"type":..},"status":N}}), never its reason. */
    private static String errorType(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "unknown";
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("error") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = parser.currentName();
                        parser.nextToken();
                        if (inner.equals("type")) {
                            return BulkResponse.errorTypeName(parser.getText());
                        }
                        parser.skipChildren();
                    }
                    return "unknown";
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
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
