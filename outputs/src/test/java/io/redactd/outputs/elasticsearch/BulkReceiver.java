package io.redactd.outputs.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * An HTTP server that speaks the {@code _bulk} protocol as documented (NDJSON action/document pairs in, one item per
 * action out, in order, with per-item status and error), for outcomes a real node will not produce on demand (429s).
 * The outcome of each document is decided by {@code policy} from the parsed document and how often it was seen.
 */
final class BulkReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The status to answer for one item, with the error type for failures. */
    record Outcome(int status, String errorType) {
        static final Outcome CREATED = new Outcome(201, null);
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final Function<Seen, Outcome> policy;
    final List<List<Integer>> requests = new CopyOnWriteArrayList<>();
    final Map<Integer, AtomicInteger> accepted = new ConcurrentHashMap<>();
    final List<String> contentEncodings = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    volatile int wholeRequestStatus = 0;
    final AtomicInteger wholeRequestFailuresLeft = new AtomicInteger();

    /** A document as received: its parsed body and the how-many-th time its seq arrives (1 = first). */
    record Seen(JsonNode document, int timesSeen) {
    }

    BulkReceiver(Vertx vertx, Function<Seen, Outcome> policy) throws Exception {
        this.vertx = vertx;
        this.policy = policy;
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            if (!request.path().equals("/_bulk")) {
                request.response().setStatusCode(404).end("{\"error\":\"no route\",\"status\":404}");
                return;
            }
            contentEncodings.add(String.valueOf(request.getHeader("Content-Encoding")));
            authorizations.add(String.valueOf(request.getHeader("Authorization")));
            if (wholeRequestFailuresLeft.getAndDecrement() > 0) {
                request.response().setStatusCode(wholeRequestStatus).putHeader("Content-Type", "application/json")
                        .end("{\"error\":{\"root_cause\":[],\"type\":\"cluster_block_exception\",\"reason\":\"blocked\"},\"status\":"
                                + wholeRequestStatus + "}");
                return;
            }
            request.response().putHeader("Content-Type", "application/json").end(answer(body, request.getHeader("Content-Encoding")));
        });
    }

    private Buffer answer(Buffer body, String encoding) {
        byte[] raw = body.getBytes();
        if ("gzip".equals(encoding)) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String[] lines = new String(raw, StandardCharsets.UTF_8).split("\n");
        List<Integer> seqs = new ArrayList<>();
        StringBuilder items = new StringBuilder();
        boolean errors = false;
        for (int i = 0; i + 1 < lines.length; i += 2) {
            try {
                JsonNode action = JSON.readTree(lines[i]);
                String op = action.fieldNames().next();
                String index = action.get(op).get("_index").asText();
                JsonNode document = JSON.readTree(lines[i + 1]);
                int seq = document.get("seq").asInt();
                seqs.add(seq);
                int times = seen.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
                Outcome outcome = policy.apply(new Seen(document, times));
                if (items.length() > 0) {
                    items.append(',');
                }
                items.append("{\"").append(op).append("\":{\"_index\":\"").append(index).append("\",\"_id\":\"id")
                        .append(seq).append('-').append(times).append("\",\"status\":").append(outcome.status());
                if (outcome.status() / 100 == 2) {
                    accepted.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
                    items.append(",\"result\":\"created\",\"_version\":1,\"_shards\":{\"total\":2,\"successful\":1,\"failed\":0}");
                } else {
                    errors = true;
                    items.append(",\"error\":{\"type\":\"").append(outcome.errorType())
                            .append("\",\"reason\":\"synthetic ").append(outcome.errorType()).append("\"}");
                }
                items.append("}}");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        requests.add(seqs);
        return Buffer.buffer("{\"took\":7,\"errors\":" + errors + ",\"items\":[" + items + "]}");
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
