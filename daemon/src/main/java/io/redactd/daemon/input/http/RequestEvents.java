package io.redactd.daemon.input.http;

import io.redactd.daemon.pipeline.ContentValue;
import io.redactd.daemon.pipeline.RawEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a decoded request body into events, per endpoint. {@code /v1/logs} and HEC raw are all or nothing: any
 * problem rejects the whole request. The HEC event endpoint keeps the valid events before an invalid one, as Splunk
 * does ({@link #hec}).
 * No Vert.x: runs on a worker thread with what was read from the request on the event loop ({@link Origin}).
 * Fields: {@code event.dataset} (the token's source), {@code source.ip}, {@code redactd.route} (the token's outputs),
 * {@code redactd.format: json} for JSON messages, and the HEC metadata {@code host.name}, {@code splunk.source},
 * {@code splunk.sourcetype}, {@code splunk.index}.
 */
final class RequestEvents {
    private static final Set<String> NDJSON_TYPES = Set.of("application/x-ndjson", "application/ndjson",
            "application/jsonl", "application/json", "application/jsonlines", "application/x-jsonlines");

    /** What is needed from the request itself: its content type, the peer and HEC raw's query parameters. */
    record Origin(String contentType, String peer, String host, String source, String sourcetype, String index) {
    }

    private final int maxLineBytes;
    private final int maxEvents;

    RequestEvents(int maxLineBytes, int maxEvents) {
        this.maxLineBytes = maxLineBytes;
        this.maxEvents = maxEvents;
    }

    List<RawEvent> logs(Origin req, byte[] body, TokenAuthenticator.Grant grant) throws RequestRejected {
        String contentType = Optional.ofNullable(req.contentType()).orElse("text/plain");
        int semicolon = contentType.indexOf(';');
        String mime = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        boolean ndjson = NDJSON_TYPES.contains(mime);
        // curl -d / --data-binary label bodies as form data by default: read them as text lines
        if (!ndjson && !mime.equals("text/plain") && !mime.equals("application/x-www-form-urlencoded")) {
            throw new RequestRejected(415, "unsupported_content_type", 6,
                    "Content-Type must be application/x-ndjson (one JSON object per line) or text/plain");
        }
        List<byte[]> lines = BodyLines.split(body, maxLineBytes, maxEvents);
        if (lines.isEmpty()) {
            throw new RequestRejected(400, "no_data", 5, "the body holds no event (empty or only blank lines)");
        }
        if (ndjson) {
            BodyLines.requireJsonObjects(lines);
        }
        long now = System.currentTimeMillis();
        Map<String, Object> meta = fields(grant, req.peer(), ndjson, null, null, null, null);
        List<RawEvent> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            out.add(new RawEvent(lines.get(i), now, meta, i));
        }
        return out;
    }

    /**
     * HEC events, read as Splunk reads them: a body with an invalid event yields a rejection that carries the valid
     * events before it ({@link RequestRejected#acceptedBefore()}), which the input hands on before answering.
     */
    List<RawEvent> hec(Origin req, byte[] body, TokenAuthenticator.Grant grant) throws RequestRejected {
        HecEventParser.Prefix prefix = HecEventParser.parsePrefix(body, maxEvents, maxLineBytes);
        List<HecEventParser.HecEvent> parsed = prefix.events();
        long now = System.currentTimeMillis();
        String peer = req.peer();
        List<RawEvent> out = new ArrayList<>(parsed.size());
        // A request's events mostly share their metadata: one field map (and one scan of each value) per kind.
        Map<List<Object>, Map<String, Object>> shared = new HashMap<>();
        for (int i = 0; i < parsed.size(); i++) {
            HecEventParser.HecEvent e = parsed.get(i);
            Map<String, Object> meta = shared.computeIfAbsent(
                    Arrays.asList(e.json(), e.host(), e.source(), e.sourcetype(), e.index()),
                    k -> fields(grant, peer, e.json(), e.host(), e.source(), e.sourcetype(), e.index()));
            out.add(new RawEvent(e.message(), e.timeMs() != null ? e.timeMs() : now, meta, i));
        }
        if (prefix.stop() != null) {
            throw out.isEmpty() ? prefix.stop() : prefix.stop().afterAccepting(out);
        }
        return out;
    }

    List<RawEvent> raw(Origin req, byte[] body, TokenAuthenticator.Grant grant) throws RequestRejected {
        List<byte[]> lines = BodyLines.split(body, maxLineBytes, maxEvents);
        if (lines.isEmpty()) {
            throw new RequestRejected(400, "no_data", 5, "No data: the body is empty");
        }
        long now = System.currentTimeMillis();
        Map<String, Object> meta = fields(grant, req.peer(), false, req.host(), req.source(), req.sourcetype(),
                req.index());
        List<RawEvent> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            out.add(new RawEvent(lines.get(i), now, meta, i));
        }
        return out;
    }

    static Map<String, Object> fields(TokenAuthenticator.Grant grant, String peer, boolean json, String host,
                                              String source, String sourcetype, String index) {
        Map<String, Object> f = new HashMap<>(12);
        f.put("event.dataset", grant.source());
        f.put("source.ip", peer);
        if (!grant.outputs().isEmpty()) {
            f.put("redactd.route", grant.outputs());
        }
        if (json) {
            f.put("redactd.format", "json");
        }
        if (host != null && !host.isEmpty()) {
            f.put("host.name", ContentValue.hostName(host));
        }
        putIfPresent(f, "splunk.source", source);
        putIfPresent(f, "splunk.sourcetype", sourcetype);
        putIfPresent(f, "splunk.index", index);
        return Map.copyOf(f);
    }

    /** HEC metadata is the sender's content (a host or source name can hold PHI): redacted by the pipeline. */
    private static void putIfPresent(Map<String, Object> f, String key, String value) {
        if (value != null && !value.isEmpty()) {
            f.put(key, new ContentValue(value));
        }
    }

}
