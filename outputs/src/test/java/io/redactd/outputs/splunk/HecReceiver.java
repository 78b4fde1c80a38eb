package io.redactd.outputs.splunk;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A receiver written to Splunk's documented HTTP Event Collector protocol: {@code Authorization: Splunk <token>}
 * (codes 2, 3, 4), concatenated JSON event objects on {@code /services/collector/event} (codes 5, 6, 12, 13 with
 * {@code invalid-event-number}; events before an invalid one are indexed, as Splunk does), busy answers (503, code 9),
 * and indexer acknowledgement: per-channel {@code ackId}s ({@code X-Splunk-Request-Channel} required, codes 10, 11)
 * polled on {@code /services/collector/ack} with {@code {"acks":[..]}} and answered {@code {"acks":{"N":true}}}.
 */
public final class HecReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String token;
    private final boolean ackEnabled;

    /** Indexed events, in arrival order. */
    public final List<JsonNode> indexed = new CopyOnWriteArrayList<>();
    /** Every event request: decompressed body and headers. */
    public final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    public final List<MultiMap> headers = new CopyOnWriteArrayList<>();
    public final List<String> ackRequests = new CopyOnWriteArrayList<>();
    public final List<String> ackChannels = new CopyOnWriteArrayList<>();
    final AtomicInteger busyLeft = new AtomicInteger();
    /** Every request, whatever its outcome. */
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger busyAnswers = new AtomicInteger();
    /**
     * Misbehaviour on demand: the next {@code forcedLeft} event requests are answered {@code forcedStatus} with
     * {@code forcedBody} (what a proxy, a load balancer or the Splunk Web port answers when the endpoint is wrong),
     * and nothing is indexed.
     */
    final AtomicInteger forcedLeft = new AtomicInteger();
    volatile int forcedStatus = 200;
    volatile String forcedContentType = "application/json";
    volatile String forcedBody = "";
    final AtomicInteger forcedAnswers = new AtomicInteger();
    /** While true, acks are answered false. */
    volatile boolean holdAcks;
    /** Ack ids whose events were "lost" by the indexer: never acknowledged. */
    final Set<Long> lostAcks = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> nextAckId = new ConcurrentHashMap<>();
    private final Map<Long, List<JsonNode>> awaitingAck = new ConcurrentHashMap<>();

    public HecReceiver(Vertx vertx, String token, boolean ackEnabled, HttpServerOptions options) throws Exception {
        this.token = token;
        this.ackEnabled = ackEnabled;
        this.server = vertx.createHttpServer(options).requestHandler(this::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public HecReceiver(Vertx vertx, String token, boolean ackEnabled) throws Exception {
        this(vertx, token, ackEnabled, new HttpServerOptions());
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        request.body().onSuccess(body -> {
            String path = request.path();
            if (!path.equals("/services/collector/event") && !path.equals("/services/collector")
                    && !path.equals("/services/collector/ack")) {
                reply(request, 404, "{\"text\":\"The requested URL was not found on this server.\",\"code\":404}");
                return;
            }
            String authorization = request.getHeader("Authorization");
            if (authorization == null) {
                reply(request, 401, "{\"text\":\"Token is required\",\"code\":2}");
                return;
            }
            if (!authorization.startsWith("Splunk ")) {
                reply(request, 401, "{\"text\":\"Invalid authorization\",\"code\":3}");
                return;
            }
            if (!authorization.substring("Splunk ".length()).equals(token)) {
                reply(request, 403, "{\"text\":\"Invalid token\",\"code\":4}");
                return;
            }
            String channel = request.getHeader("X-Splunk-Request-Channel");
            if (ackEnabled || path.endsWith("/ack")) {
                if (channel == null) {
                    reply(request, 400, "{\"text\":\"Data channel is missing\",\"code\":10}");
                    return;
                }
                try {
                    UUID.fromString(channel);
                } catch (IllegalArgumentException e) {
                    reply(request, 400, "{\"text\":\"Invalid data channel\",\"code\":11}");
                    return;
                }
            }
            if (path.endsWith("/ack")) {
                acks(request, channel, body);
            } else {
                events(request, channel, body);
            }
        });
    }

    private void events(HttpServerRequest request, String channel, Buffer body) {
        if (forcedLeft.getAndDecrement() > 0) {
            forcedAnswers.incrementAndGet();
            request.response().setStatusCode(forcedStatus).putHeader("Content-Type", forcedContentType).end(forcedBody);
            return;
        }
        if (busyLeft.getAndDecrement() > 0) {
            busyAnswers.incrementAndGet();
            reply(request, 503, "{\"text\":\"Server is busy\",\"code\":9}");
            return;
        }
        byte[] raw = body.getBytes();
        try {
            if ("gzip".equals(request.getHeader("Content-Encoding"))) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    raw = in.readAllBytes();
                }
            }
        } catch (IOException e) {
            reply(request, 400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}");
            return;
        }
        bodies.add(raw);
        headers.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
        if (raw.length == 0) {
            reply(request, 400, "{\"text\":\"No data\",\"code\":5}");
            return;
        }
        List<JsonNode> accepted = new CopyOnWriteArrayList<>();
        int number = 0;
        try (JsonParser parser = JSON.getFactory().createParser(raw)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("not an object");
                }
                JsonNode event = JSON.readTree(parser);
                if (!event.has("event")) {
                    indexed.addAll(accepted);
                    reply(request, 400, "{\"text\":\"Event field is required\",\"code\":12,\"invalid-event-number\":" + number + "}");
                    return;
                }
                if (event.get("event").isTextual() && event.get("event").asText().isEmpty()) {
                    indexed.addAll(accepted);
                    reply(request, 400, "{\"text\":\"Event field cannot be blank\",\"code\":13,\"invalid-event-number\":" + number + "}");
                    return;
                }
                accepted.add(event);
                number++;
            }
        } catch (IOException e) {
            indexed.addAll(accepted);
            reply(request, 400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":" + number + "}");
            return;
        }
        if (!ackEnabled) {
            indexed.addAll(accepted);
            reply(request, 200, "{\"text\":\"Success\",\"code\":0}");
            return;
        }
        long ackId = nextAckId.computeIfAbsent(channel, c -> new AtomicLong()).getAndIncrement();
        if (!lostAcks.contains(ackId)) {
            awaitingAck.put(ackId, accepted);
        }
        reply(request, 200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackId + "}");
    }

    private void acks(HttpServerRequest request, String channel, Buffer body) {
        ackRequests.add(body.toString(StandardCharsets.UTF_8));
        ackChannels.add(channel);
        try {
            JsonNode ids = JSON.readTree(body.getBytes()).get("acks");
            StringBuilder answer = new StringBuilder("{\"acks\":{");
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i).asLong();
                boolean done = !holdAcks && !lostAcks.contains(id);
                if (done) {
                    List<JsonNode> events = awaitingAck.remove(id);
                    if (events != null) {
                        indexed.addAll(events);
                    }
                }
                answer.append(i == 0 ? "" : ",").append('"').append(id).append("\":").append(done);
            }
            reply(request, 200, answer.append("}}").toString());
        } catch (IOException | NullPointerException e) {
            reply(request, 400, "{\"text\":\"Invalid data format\",\"code\":6}");
        }
    }

    private static void reply(HttpServerRequest request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=UTF-8").end(body);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
