package io.redactd.daemon.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slice of the Elasticsearch / OpenSearch REST API that {@code verify --es} uses (cluster info, _count, point in
 * time open/close in either dialect, _search with sort + search_after + pit), serving documents from memory in the
 * order the sort defines. It stands in for a node until the real-OpenSearch integration test; it records what the
 * client asked so tests can check the paging protocol, not only the result.
 */
final class SearchApiStandIn implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpServer server;
    private final List<ObjectNode> docs = new ArrayList<>();
    private final boolean openSearch;
    final AtomicInteger searches = new AtomicInteger();
    final AtomicInteger pitsClosed = new AtomicInteger();
    volatile boolean failShards;
    /** chain.seq mapped as keyword and the mapping not readable (404 here): sorted, and sort values, as strings. */
    volatile boolean keywordSeq;

    SearchApiStandIn(boolean openSearch, List<String> sources) throws IOException {
        this.openSearch = openSearch;
        for (String s : sources) {
            docs.add((ObjectNode) MAPPER.readTree(s));
        }
        docs.sort(Comparator.<ObjectNode>comparingLong(d -> d.at("/chain/seq").asLong())
                .thenComparing(d -> d.at("/chain/stream").asText())
                .thenComparing(d -> d.at("/chain/hash").asText()));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        byte[] body = ex.getRequestBody().readAllBytes();
        JsonNode req = body.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        ObjectNode res = MAPPER.createObjectNode();
        int status = 200;
        if (path.equals("/") && method.equals("GET")) {
            res.putObject("version").put("distribution", openSearch ? "opensearch" : "elasticsearch")
                    .put("number", openSearch ? "2.19.0" : "8.15.0");
        } else if (path.equals("/logs/_count")) {
            res.put("count", docs.size());
        } else if (openSearch && path.equals("/logs/_search/point_in_time") && method.equals("POST")) {
            res.put("pit_id", "os-pit");
        } else if (!openSearch && path.equals("/logs/_pit") && method.equals("POST")) {
            res.put("id", "es-pit");
        } else if (method.equals("DELETE") && (path.equals("/_pit") || path.equals("/_search/point_in_time"))) {
            pitsClosed.incrementAndGet();
            res.put("succeeded", true);
        } else if (path.equals("/_search") && method.equals("POST")) {
            String pit = req.at("/pit/id").asText();
            if (!pit.equals(openSearch ? "os-pit" : "es-pit")) {
                status = 400;
                res.putObject("error").put("type", "illegal_argument_exception");
            } else {
                search(req, res);
            }
        } else {
            status = 404;
            res.putObject("error").put("type", "no_handler");
        }
        byte[] out = MAPPER.writeValueAsBytes(res);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private void search(JsonNode req, ObjectNode res) {
        searches.incrementAndGet();
        int size = req.path("size").asInt(10);
        JsonNode after = req.get("search_after");
        List<ObjectNode> docs = this.docs;
        if (keywordSeq) {
            docs = new ArrayList<>(docs);
            docs.sort(Comparator.comparing(d -> d.at("/chain/seq").asText()));
        }
        int start = 0;
        if (after != null) {
            while (start < docs.size() && compare(docs.get(start), after) <= 0) {
                start++;
            }
        }
        res.put("pit_id", openSearch ? "os-pit" : "es-pit");
        res.put("timed_out", false);
        res.putObject("_shards").put("total", 1).put("successful", failShards ? 0 : 1).put("failed", failShards ? 1 : 0);
        ArrayNode hits = res.putObject("hits").putArray("hits");
        for (int i = start; i < Math.min(docs.size(), start + size); i++) {
            ObjectNode d = docs.get(i);
            ObjectNode hit = hits.addObject();
            hit.put("_index", "logs").put("_id", "id-" + i);
            hit.set("_source", d);
            ArrayNode sort = hit.putArray("sort");
            if (keywordSeq) {
                sort.add(d.at("/chain/seq").asText());
            } else {
                sort.add(d.at("/chain/seq").asLong());
            }
            sort.add(d.at("/chain/stream").asText())
                    .add(d.at("/chain/hash").asText());
        }
    }

    private int compare(ObjectNode d, JsonNode after) {
        int c = keywordSeq ? d.at("/chain/seq").asText().compareTo(after.get(0).asText())
                : Long.compare(d.at("/chain/seq").asLong(), after.get(0).asLong());
        if (c == 0) {
            c = d.at("/chain/stream").asText().compareTo(after.get(1).asText());
        }
        if (c == 0) {
            c = d.at("/chain/hash").asText().compareTo(after.get(2).asText());
        }
        return c;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
