package io.redactd.daemon.integrity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/**
 * Reads a chain back from an Elasticsearch or OpenSearch index, sorted by {@code chain.seq} (then stream and hash, so
 * the order is total), in pages of 5,000 with {@code search_after}, so it scales past the 10,000-hit window.
 *
 * <p>A point in time keeps the view consistent while paging: Elasticsearch 7.10+ {@code POST /<index>/_pit},
 * OpenSearch 2.4+ {@code POST /<index>/_search/point_in_time}. If neither is available (older version, missing
 * privilege) it falls back to plain {@code search_after} on the index, which is exact for an index no longer written
 * to and otherwise may miss events indexed during the read. chain.stream/chain.hash must be keyword; with dynamic
 * mapping (text plus a .keyword sub-field) the .keyword fields are used automatically. chain.seq's mapping is read
 * first: a number is sorted as is, a string (keyword) is read by digit count so the order stays numeric, and a
 * mapping that cannot be sorted by number is refused ({@link SeqNotSortable}), never read in an order the verifier
 * would report as events moved. A search with failed shards or a timeout is an error, never a silent gap.
 */
final class SearchIndexSource implements EventSource {
    static final int PAGE = 5_000;
    private static final String KEEP_ALIVE = "2m";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final URI base;
    private final String index;
    private final String authorization;
    private final String onlyStream;
    private final HttpClient http;

    /**
     * @param authorization a complete Authorization header value ("Basic ..", "ApiKey ..") or null
     * @param ssl           trust for https (null: the JDK's default trust store)
     */
    SearchIndexSource(URI base, String index, String authorization, String onlyStream, SSLContext ssl) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.index = index;
        this.authorization = authorization;
        this.onlyStream = onlyStream;
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (ssl != null) {
            hb.sslContext(ssl);
        }
        this.http = hb.build();
    }

    static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private enum Flavor { ELASTICSEARCH, OPENSEARCH }

    /**
     * The index maps chain.seq in a way no search can read in numeric order (text without a keyword sub-field, float,
     * different types across the indices read): nothing is verified, and the message names the mapping and the fix.
     */
    static final class SeqNotSortable extends IOException {
        SeqNotSortable(String message) {
            super(message);
        }
    }

    /**
     * How the index is read in seq order. {@code byDigits}: chain.seq is a string (keyword, or text with a keyword
     * sub-field), whose sort is lexical ("10" before "2"); strings of the same length without leading zeros sort
     * as their numbers do, so the index is read one length at a time (a regexp query per digit count, 1..19), each
     * sorted as today, then whatever is not such a number (read last, so the verifier reports it). Same memory as a
     * numeric read, no script, and every document is read exactly once.
     */
    private record SeqOrder(String field, boolean byDigits) {
    }

    private static final int MAX_DIGITS = 19; // Long.MAX_VALUE

    private String streamField = "chain.stream";
    private String hashField = "chain.hash";

    @Override
    public void readAll(StreamVerifier verifier, Progress progress) throws IOException {
        verifier.unit("document");
        Flavor flavor = detect();
        long total = count();
        if (total >= 0) {
            progress.total(total);
        }
        SeqOrder order = seqOrder();
        String pit = openPit(flavor);
        long[] ordinal = {0};
        String[] pitRef = {pit};
        try {
            if (!order.byDigits()) {
                readPass(order, null, verifier, progress, ordinal, pitRef);
                return;
            }
            for (int d = 1; d <= MAX_DIGITS; d++) {
                ObjectNode q = MAPPER.createObjectNode();
                q.putObject("regexp").put(order.field(), d == 1 ? "[1-9]" : "[1-9][0-9]{" + (d - 1) + "}");
                readPass(order, q, verifier, progress, ordinal, pitRef);
            }
            ObjectNode rest = MAPPER.createObjectNode();
            rest.putObject("bool").putArray("must_not").addObject().putObject("regexp")
                    .put(order.field(), "[1-9][0-9]{0," + (MAX_DIGITS - 1) + "}");
            readPass(order, rest, verifier, progress, ordinal, pitRef);
        } finally {
            closePit(flavor, pitRef[0]);
        }
    }

    /** Reads every document matching {@code filter} (null: all), sorted, in pages with search_after. */
    private void readPass(SeqOrder order, ObjectNode filter, StreamVerifier verifier, Progress progress,
                          long[] ordinal, String[] pit) throws IOException {
        JsonNode after = null;
        boolean firstPage = true;
        while (true) {
            ObjectNode body = MAPPER.createObjectNode();
            body.put("size", PAGE);
            body.put("track_total_hits", false);
            ArrayNode sort = body.putArray("sort");
            sort.addObject().put(order.field(), "asc");
            sort.addObject().put(streamField, "asc");
            sort.addObject().put(hashField, "asc");
            ArrayNode must = MAPPER.createArrayNode();
            if (onlyStream != null) {
                must.addObject().putObject("term").put(streamField, onlyStream);
            }
            if (filter != null) {
                must.add(filter);
            }
            if (!must.isEmpty()) {
                body.putObject("query").putObject("bool").set("filter", must);
            }
            if (pit[0] != null) {
                body.putObject("pit").put("id", pit[0]).put("keep_alive", KEEP_ALIVE);
            }
            if (after != null) {
                body.set("search_after", after);
            }
            String path = pit[0] != null ? "_search" : encode(index) + "/_search";
            HttpResponse<byte[]> r = send("POST", path, MAPPER.writeValueAsBytes(body));
            if (firstPage && r.statusCode() == 400 && !streamField.endsWith(".keyword") && textFieldError(r)) {
                streamField = "chain.stream.keyword"; // dynamic mapping: sort on the keyword sub-fields
                hashField = "chain.hash.keyword";
                continue;
            }
            firstPage = false;
            requireOk(r, "search");
            Page page = parsePage(r.body(), verifier, ordinal[0], !order.byDigits());
            ordinal[0] += page.hits;
            progress.update(ordinal[0], verifier.documentsRead());
            if (page.pitId != null && pit[0] != null) {
                pit[0] = page.pitId;
            }
            if (page.hits < PAGE || page.lastSort == null) {
                return;
            }
            after = page.lastSort;
        }
    }

    /**
     * Reads the mapping of chain.seq (GET INDEX/_mapping/field/chain.seq) to choose how to sort: numeric types as
     * they are, strings by digit count (see {@link SeqOrder}); anything else is refused, since a sort that is not
     * numeric would make the verifier report events as moved. If the mapping cannot be read (no
     * view_index_metadata privilege, a proxy), the numeric sort is used and its sort values are checked instead.
     */
    private SeqOrder seqOrder() throws IOException {
        HttpResponse<byte[]> r = send("GET", encode(index) + "/_mapping/field/chain.seq", null);
        if (r.statusCode() != 200) {
            return new SeqOrder("chain.seq", false);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(r.body());
        } catch (IOException e) {
            return new SeqOrder("chain.seq", false);
        }
        SeqOrder chosen = null;
        String chosenIn = null;
        String chosenType = null;
        for (var it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode field = e.getValue().path("mappings").path("chain.seq");
            if (field.isMissingNode()) {
                continue; // no chain.seq in this index (no chained document there)
            }
            JsonNode m = field.path("mapping").path("seq");
            String type = m.path("type").asText("object");
            SeqOrder o = switch (type) {
                case "long", "integer", "short", "byte", "unsigned_long", "double", "scaled_float" ->
                        new SeqOrder("chain.seq", false);
                case "keyword" -> new SeqOrder("chain.seq", true);
                case "text" -> keywordSubField(m).map(sub -> new SeqOrder("chain.seq." + sub, true))
                        .orElseThrow(() -> new SeqNotSortable(notSortable("text", e.getKey(),
                                "without a keyword sub-field, text cannot be sorted")));
                default -> throw new SeqNotSortable(notSortable(type, e.getKey(), type.contains("float")
                        ? "a float cannot hold every seq exactly, so seqs would sort as equal"
                        : "it cannot be sorted by number"));
            };
            if (chosen != null && !chosen.equals(o)) {
                throw new SeqNotSortable(notSortable(type, e.getKey(), "but as " + chosenType + " in index "
                        + chosenIn + ": one search cannot sort both"));
            }
            chosen = o;
            chosenIn = e.getKey();
            chosenType = type;
        }
        return chosen != null ? chosen : new SeqOrder("chain.seq", false);
    }

    private static java.util.Optional<String> keywordSubField(JsonNode mapping) {
        for (var it = mapping.path("fields").fields(); it.hasNext(); ) {
            var f = it.next();
            if ("keyword".equals(f.getValue().path("type").asText())) {
                return java.util.Optional.of(f.getKey());
            }
        }
        return java.util.Optional.empty();
    }

    private static String notSortable(String type, String where, String why) {
        return "chain.seq is mapped as " + type + " in index " + where + " (" + why + "), so the index cannot be "
                + "read in seq order; nothing was verified (this says nothing about tampering). Fix: map chain.seq as long (install the "
                + "redactd index template: the elasticsearch output's template.install: true) and reindex; or export every document's "
                + "_source to NDJSON and verify the export with --unordered";
    }

    private Flavor detect() throws IOException {
        HttpResponse<byte[]> r = send("GET", "", null);
        requireOk(r, "cluster info");
        JsonNode info = MAPPER.readTree(r.body());
        return "opensearch".equals(info.path("version").path("distribution").asText())
                ? Flavor.OPENSEARCH : Flavor.ELASTICSEARCH;
    }

    private long count() throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        if (onlyStream != null) {
            // A match query works on both keyword and text mappings of the stream id.
            body.putObject("query").putObject("match_phrase").put("chain.stream", onlyStream);
        }
        HttpResponse<byte[]> r = send("POST", encode(index) + "/_count", MAPPER.writeValueAsBytes(body));
        if (r.statusCode() == 404) {
            throw new IOException("index " + index + " does not exist (HTTP 404)");
        }
        if (r.statusCode() != 200) {
            return -1;
        }
        return MAPPER.readTree(r.body()).path("count").asLong(-1);
    }

    private String openPit(Flavor flavor) throws IOException {
        String path = flavor == Flavor.OPENSEARCH
                ? encode(index) + "/_search/point_in_time?keep_alive=" + KEEP_ALIVE
                : encode(index) + "/_pit?keep_alive=" + KEEP_ALIVE;
        HttpResponse<byte[]> r = send("POST", path, null);
        if (r.statusCode() != 200) {
            return null; // no PIT support or privilege: plain search_after (see class comment)
        }
        JsonNode n = MAPPER.readTree(r.body());
        String id = n.path(flavor == Flavor.OPENSEARCH ? "pit_id" : "id").asText(null);
        return id == null || id.isEmpty() ? null : id;
    }

    private void closePit(Flavor flavor, String pit) {
        if (pit == null) {
            return;
        }
        try {
            ObjectNode body = MAPPER.createObjectNode();
            if (flavor == Flavor.OPENSEARCH) {
                body.putArray("pit_id").add(pit);
                send("DELETE", "_search/point_in_time", MAPPER.writeValueAsBytes(body));
            } else {
                body.put("id", pit);
                send("DELETE", "_pit", MAPPER.writeValueAsBytes(body));
            }
        } catch (IOException e) {
            // The PIT expires by itself after KEEP_ALIVE; failing to close it early is harmless.
        }
    }

    private record Page(int hits, JsonNode lastSort, String pitId) {
    }

    /** Streams the hits out of a search response, handing each _source to the verifier without a tree per hit. */
    private static Page parsePage(byte[] body, StreamVerifier verifier, long ordinal, boolean numericSort)
            throws IOException {
        int hits = 0;
        JsonNode lastSort = null;
        String pitId = null;
        ByteArrayOutputStream source = new ByteArrayOutputStream(1024);
        try (JsonParser p = FACTORY.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "pit_id" -> pitId = p.getValueAsString();
                    case "timed_out" -> {
                        if (t == JsonToken.VALUE_TRUE) {
                            throw new IOException("search timed out: results would be partial");
                        }
                    }
                    case "_shards" -> {
                        JsonNode shards = p.readValueAsTree();
                        if (shards.path("failed").asLong(0) > 0) {
                            throw new IOException("search failed on " + shards.path("failed").asLong()
                                    + " shard(s): results would be partial");
                        }
                    }
                    case "hits" -> {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String hn = p.currentName();
                            JsonToken ht = p.nextToken();
                            if (!"hits".equals(hn) || ht != JsonToken.START_ARRAY) {
                                p.skipChildren();
                                continue;
                            }
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                boolean sawSource = false;
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String f = p.currentName();
                                    p.nextToken();
                                    if ("_source".equals(f)) {
                                        source.reset();
                                        try (JsonGenerator g = FACTORY.createGenerator(source)) {
                                            g.copyCurrentStructure(p);
                                        }
                                        sawSource = true;
                                    } else if ("sort".equals(f)) {
                                        lastSort = p.readValueAsTree();
                                        if (numericSort && lastSort.path(0).isTextual()) {
                                            // The mapping could not be read and chain.seq sorts as a string: the
                                            // order would be lexical, so stop before it reads as tampering.
                                            throw new SeqNotSortable("chain.seq sorts as a string (mapped as "
                                                    + "keyword?) and its mapping could not be read (GET "
                                                    + "INDEX/_mapping needs the view_index_metadata privilege) to "
                                                    + "read it by number; nothing was verified. Fix: grant that "
                                                    + "privilege, or map chain.seq as long and reindex");
                                        }
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                                hits++;
                                if (!sawSource) {
                                    throw new IOException("search hits carry no _source (is _source disabled on the "
                                            + "index?); the chain cannot be verified without it");
                                }
                                byte[] doc = source.toByteArray();
                                verifier.accept(doc, 0, doc.length, ordinal + hits);
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        return new Page(hits, lastSort, pitId);
    }

    private static void expect(JsonToken got, JsonToken want) throws IOException {
        if (got != want) {
            throw new IOException("unexpected search response (expected " + want + ", got " + got + ")");
        }
    }

    private static boolean textFieldError(HttpResponse<byte[]> r) {
        String s = new String(r.body(), StandardCharsets.UTF_8);
        return s.contains("fielddata") || s.contains("Text fields are not optimised");
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120))
                .header("Accept", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the index", e);
        }
    }

    private void requireOk(HttpResponse<byte[]> r, String what) throws IOException {
        if (r.statusCode() != 200) {
            String reason = "";
            try {
                JsonNode err = MAPPER.readTree(r.body()).path("error");
                // A type name only (`index_not_found_exception`): the server's free text could hold anything.
                reason = err.isObject() ? err.path("type").asText("") : err.asText("");
                if (!reason.matches("[A-Za-z0-9_.-]{1,80}")) {
                    reason = "";
                }
            } catch (IOException ignored) {
                // body not JSON: the status says enough
            }
            throw new IOException(what + " on " + base + " index " + index + " failed: HTTP " + r.statusCode()
                    + (reason.isEmpty() ? "" : " (" + reason + ")"));
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
