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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Ships documents to Elasticsearch or OpenSearch through {@code _bulk}, with no vendor client.
 *
 * <p>Every response is read item by item. Items answered 429 or 5xx are sent again, alone, with exponential backoff
 * and jitter, up to {@code retry.max_attempts}; then they are dead-lettered. Items answered with any other error
 * (mapping conflicts, bad documents) go to the dead-letter file at once. When the whole request fails (node down,
 * timeout, 429/502/503/504 for the request), it is retried with capped backoff for as long as it takes: the disk buffer
 * behind this output holds the events, and giving up on an outage would turn it into data loss. 401/403 fail the
 * write: a credential problem needs an operator, and the events stay in the buffer meanwhile.
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
    private HttpClientAgent client;
    private String authorization;
    private volatile boolean ready;
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
                ready = true;
                return Future.succeededFuture();
            }
            // A node that is down at start must not stop the daemon: the template is installed before the first bulk.
            return installTemplate().recover(e -> {
                if (e instanceof OutputFailure) {
                    return Future.failedFuture(e);
                }
                LOG.warn("output {}: index template not installed yet ({}); will retry before sending", id, e.getMessage());
                return Future.succeededFuture();
            }).onSuccess(v -> ready = true);
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
                    // A template rejection quotes the template, never event data: the reason is safe to surface.
                    String message = "index template rejected: HTTP " + response.status() + " "
                            + new String(response.body(), 0, Math.min(response.body().length, 600), StandardCharsets.UTF_8);
                    return Future.failedFuture(response.status() == 401 || response.status() == 403 || response.status() == 400
                            ? new OutputFailure(message) : new IOException(message));
                });
    }

    @Override
    public Future<Void> write(EventBatch batch) {
        Future<Void> chain = templateInstalled ? Future.succeededFuture() : ensureTemplate(0);
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

    private Future<Void> ensureTemplate(int failures) {
        return installTemplate().recover(e -> {
            if (e instanceof OutputFailure) {
                return Future.failedFuture(e);
            }
            ready = false;
            return delay(backoff.delayMs(failures)).compose(v -> ensureTemplate(failures + 1));
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
                return retryRequest(items, outageRetries, result.cause().getClass().getSimpleName());
            }
            Response response = result.result();
            int status = response.status();
            if (status == 200) {
                ready = true;
                return settle(items, response.body());
            }
            if (status == 429 || status == 502 || status == 503 || status == 504) {
                return retryRequest(items, outageRetries, "HTTP " + status);
            }
            if (status == 401 || status == 403) {
                ready = false;
                return Future.failedFuture(new OutputFailure("output " + id + ": " + endpoint.host()
                        + " refused the credentials (HTTP " + status + ")"));
            }
            if (status == 413 && items.size() > 1) {
                int half = items.size() / 2;
                return deliver(items.subList(0, half), 0).compose(v -> deliver(items.subList(half, items.size()), 0));
            }
            if (status >= 500) {
                return retryRequest(items, outageRetries, "HTTP " + status);
            }
            return deadLetter(items, status, errorType(response.body()), "request rejected as a whole");
        });
    }

    private Future<Void> retryRequest(List<BulkRequest.Item> items, int outageRetries, String why) {
        ready = false;
        metrics.retried(items.size());
        long delay = backoff.delayMs(outageRetries);
        if (outageRetries == 0 || outageRetries % 10 == 0) {
            LOG.warn("output {}: bulk request of {} documents failed ({}); retrying in {} ms", id, items.size(), why, delay);
        }
        return delay(delay).compose(v -> deliver(items, outageRetries + 1));
    }

    private Future<Void> settle(List<BulkRequest.Item> items, byte[] body) {
        BulkResponse response;
        try {
            response = BulkResponse.parse(body);
        } catch (IOException e) {
            LOG.warn("output {}: unreadable bulk response ({}); resending the request", id, e.getMessage());
            return retryItems(items, "unreadable bulk response");
        }
        if (!response.errors()) {
            metrics.sent(items.size());
            return Future.succeededFuture();
        }
        List<BulkResponse.ItemResult> results = response.items();
        if (results.size() != items.size()) {
            return retryItems(items, "bulk response has " + results.size() + " items for " + items.size() + " documents");
        }
        List<BulkRequest.Item> retry = new ArrayList<>();
        List<DeadLetterFile.Entry> rejected = new ArrayList<>();
        int sent = 0;
        for (int i = 0; i < items.size(); i++) {
            BulkResponse.ItemResult result = results.get(i);
            BulkRequest.Item item = items.get(i);
            if (result.ok()) {
                sent++;
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
            return done;
        }
        metrics.retried(retry.size());
        long delay = backoff.delayMs(retry.get(0).attempts() - 2);
        return done.compose(v -> delay(delay)).compose(v -> deliver(retry, 0));
    }

    /** Resends every item as an item-level retry (bounded by max_attempts). */
    private Future<Void> retryItems(List<BulkRequest.Item> items, String why) {
        List<BulkRequest.Item> retry = new ArrayList<>();
        List<DeadLetterFile.Entry> rejected = new ArrayList<>();
        for (BulkRequest.Item item : items) {
            if (item.attempts() < config.retry().maxAttempts()) {
                retry.add(item.retried());
            } else {
                rejected.add(new DeadLetterFile.Entry(item.document(), 0, "protocol_error", "retries exhausted: " + why,
                        item.attempts()));
            }
        }
        metrics.retried(retry.size());
        Future<Void> done = rejected.isEmpty() ? Future.succeededFuture() : writeDeadLetters(rejected);
        if (retry.isEmpty()) {
            return done;
        }
        long delay = backoff.delayMs(retry.get(0).attempts() - 2);
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
                .setIdleTimeout(config.requestTimeoutMs())
                .putHeader("Content-Type", method == HttpMethod.POST ? "application/x-ndjson" : "application/json")
                .putHeader("Accept-Encoding", "gzip");
        if (gzipped) {
            options.putHeader("Content-Encoding", "gzip");
        }
        if (authorization != null) {
            options.putHeader("Authorization", authorization);
        }
        return client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> new Response(response.statusCode(), b.getBytes())));
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
                            return parser.getText();
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
        return ready;
    }

    @Override
    public Future<Void> stop() {
        ready = false;
        return client == null ? Future.succeededFuture() : client.close();
    }
}
