package io.redactd.daemon.input.http;

import io.redactd.daemon.pipeline.ContentValue;
import io.redactd.daemon.pipeline.RawEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Turns a request body into events, per endpoint. {@code /v1/logs} and HEC raw are all or nothing: any problem
 * rejects the whole request. The HEC event endpoint keeps the valid events before an invalid one, as Splunk does
 * ({@link #hec}).
 * No Vert.x: runs on a worker thread with what was read from the request on the event loop ({@link Origin}).
 * Fields: {@code event.dataset} (the token's source), {@code source.ip}, {@code redactd.route} (the token's outputs),
 * {@code redactd.format: json} for JSON messages, and the HEC metadata {@code host.name}, {@code splunk.source},
 * {@code splunk.sourcetype}, {@code splunk.index}.
 *
 * <p>Memory: every byte held is charged to the request's {@link RequestMemory} before it is allocated. Body blocks
 * are let go as the parser passes them, a gzip body is inflated straight into the line splitter (lines) or into
 * blocks (HEC events, whose raw JSON is cut out by offset), and events are grouped into batches as they come.
 */
final class RequestEvents {
    /** Heap an event costs beyond its message bytes: the array header, the {@link RawEvent} and list slots. */
    static final int EVENT_OVERHEAD = 72;
    /** A batch also ends at this many message bytes, so the pipeline's in-flight batches stay small. */
    static final long MAX_BATCH_BYTES = 1024 * 1024;

    private static final Set<String> NDJSON_TYPES = Set.of("application/x-ndjson", "application/ndjson",
            "application/jsonl", "application/json", "application/jsonlines", "application/x-jsonlines");

    /** What is needed from the request itself: its content type, the peer and HEC raw's query parameters. */
    record Origin(String contentType, String peer, String host, String source, String sourcetype, String index) {
    }

    /** Events of one batch and the bytes they were charged (released when the pipeline acknowledges them). */
    record Slice(List<RawEvent> events, long bytes) {
    }

    /**
     * A request's events, in batches. {@code refusedAfter}, on the HEC event endpoint only: the rejection of the event
     * after these (it names it by {@code invalid-event-number}), answered instead of 200 once they are acknowledged;
     * null when the whole body was valid.
     */
    record Parsed(List<Slice> batches, int count, RequestRejected refusedAfter) {
    }

    private final int maxLineBytes;
    private final int maxEvents;
    private final int maxBatchEvents;
    private final long maxInflatedBytes;

    RequestEvents(int maxLineBytes, int maxEvents, int maxBatchEvents, long maxInflatedBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxEvents = maxEvents;
        this.maxBatchEvents = maxBatchEvents;
        this.maxInflatedBytes = maxInflatedBytes;
    }

    Parsed logs(Origin req, BodyBytes body, boolean gzip, RequestMemory memory, TokenAuthenticator.Grant grant)
            throws RequestRejected {
        String contentType = Optional.ofNullable(req.contentType()).orElse("text/plain");
        int semicolon = contentType.indexOf(';');
        String mime = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        boolean ndjson = NDJSON_TYPES.contains(mime);
        // curl -d / --data-binary label bodies as form data by default: read them as text lines
        RequestRejected badType = !ndjson && !mime.equals("text/plain") && !mime.equals("application/x-www-form-urlencoded")
                ? new RequestRejected(415, "unsupported_content_type", 6,
                        "Content-Type must be application/x-ndjson (one JSON object per line) or text/plain")
                : null;
        Batches out = new Batches(memory);
        Map<String, Object> meta = fields(grant, req.peer(), ndjson, null, null, null, null);
        long now = System.currentTimeMillis();
        int[] firstInvalid = {0};
        LineSplitter lines = new LineSplitter(maxLineBytes, maxEvents, memory, (line, number) -> {
            // checked as the lines come, reported once the whole body is known to split (as before: size errors first)
            if (ndjson && firstInvalid[0] == 0 && !BodyLines.isSingleObject(line)) {
                firstInvalid[0] = number;
            }
            out.add(new RawEvent(line, now, meta, number - 1), line.length);
        });
        split(body, gzip, badType == null ? lines : null, badType);
        if (lines.lines() == 0) {
            throw new RequestRejected(400, "no_data", 5, "the body holds no event (empty or only blank lines)");
        }
        if (firstInvalid[0] > 0) {
            throw new RequestRejected(400, "invalid_json", 6,
                    "NDJSON line " + firstInvalid[0] + " (counting non-empty lines) is not a single valid JSON object; "
                            + "nothing from this request was accepted", firstInvalid[0]);
        }
        return out.done();
    }

    /**
     * HEC events, read as Splunk reads them. A body with an invalid event after valid ones yields those events (still
     * charged to {@code memory}, like a valid body's) with the rejection to answer once they are acknowledged
     * ({@link Parsed#refusedAfter()}). A rejection of the whole request (no data, gzip, sizes, too many events, the
     * memory budget) or one at the first event is thrown: nothing is handed on, and the caller closes {@code memory},
     * which gives back what the events already parsed were charged.
     */
    Parsed hec(Origin req, BodyBytes body, boolean gzip, RequestMemory memory, TokenAuthenticator.Grant grant)
            throws RequestRejected {
        BodyBytes json = gzip ? inflateToBlocks(body, memory) : body;
        long now = System.currentTimeMillis();
        String peer = req.peer();
        Batches out = new Batches(memory);
        // A request's events mostly share their metadata: one field map (and one scan of each value) per kind.
        Map<List<Object>, Map<String, Object>> shared = new HashMap<>();
        int[] index = {0};
        RequestRejected refusedAfter = null;
        try {
            HecEventParser.parse(json.stream(false), new HecEventParser.Source() {
                @Override
                public byte[] copy(long from, long to) {
                    return json.copy(from, to);
                }

                @Override
                public void consumedBefore(long offset) {
                    json.releaseBefore(offset);
                }
            }, maxEvents, maxLineBytes, e -> {
                memory.charge(e.message().length + EVENT_OVERHEAD);
                Map<String, Object> meta = shared.computeIfAbsent(
                        Arrays.asList(e.json(), e.host(), e.source(), e.sourcetype(), e.index()),
                        k -> fields(grant, peer, e.json(), e.host(), e.source(), e.sourcetype(), e.index()));
                out.add(new RawEvent(e.message(), e.timeMs() != null ? e.timeMs() : now, meta, index[0]++),
                        e.message().length);
            });
        } catch (RequestRejected stop) {
            if (stop.invalidEventNumber() == null || index[0] == 0) {
                throw stop;
            }
            // The sender takes every event before invalid-event-number as delivered: it must be exactly the next one.
            if (stop.invalidEventNumber() != index[0] + 1) {
                throw new IllegalStateException("parsed " + index[0] + " events before event " + stop.invalidEventNumber());
            }
            refusedAfter = stop;
        } finally {
            json.releaseAll();
        }
        return out.done(refusedAfter);
    }

    Parsed raw(Origin req, BodyBytes body, boolean gzip, RequestMemory memory, TokenAuthenticator.Grant grant)
            throws RequestRejected {
        Batches out = new Batches(memory);
        long now = System.currentTimeMillis();
        Map<String, Object> meta = fields(grant, req.peer(), false, req.host(), req.source(), req.sourcetype(),
                req.index());
        LineSplitter lines = new LineSplitter(maxLineBytes, maxEvents, memory,
                (line, number) -> out.add(new RawEvent(line, now, meta, number - 1), line.length));
        split(body, gzip, lines, null);
        if (lines.lines() == 0) {
            throw new RequestRejected(400, "no_data", 5, "No data: the body is empty");
        }
        return out.done();
    }

    /**
     * Feeds the body (inflated on the fly when gzip) to {@code lines}. Problems are reported in the order a whole-body
     * reader would meet them: bad gzip or an inflated size over the limit first, then {@code refused} (the body is only
     * inflated then, to check it), then the lines' own problems. Running out of memory stops at once.
     */
    private void split(BodyBytes body, boolean gzip, LineSplitter lines, RequestRejected refused) throws RequestRejected {
        try {
            if (!gzip) {
                if (refused != null) {
                    throw refused;
                }
                body.forEachBlock(lines::feed);
                lines.finish();
                return;
            }
            RequestRejected[] deferred = {refused};
            inflate(body, (chunk, n) -> {
                if (deferred[0] == null) {
                    try {
                        lines.feed(chunk, 0, n);
                    } catch (RequestRejected r) {
                        if (isMemory(r)) {
                            throw r;
                        }
                        deferred[0] = r;
                        lines.release();
                    }
                }
            });
            if (deferred[0] != null) {
                throw deferred[0];
            }
            lines.finish();
        } finally {
            body.releaseAll();
            if (lines != null) {
                lines.release();
            }
        }
    }

    private static boolean isMemory(RequestRejected r) {
        return r.status() == 503 || r.error().equals("body_too_large");
    }

    private interface Inflated {
        void accept(byte[] chunk, int n) throws RequestRejected;
    }

    /** Inflates with a hard cap: a "zip bomb" stops at {@code max_decompressed_bytes}, nothing beyond is allocated. */
    private void inflate(BodyBytes body, Inflated to) throws RequestRejected {
        try (GZIPInputStream in = new GZIPInputStream(body.stream(true), 16 * 1024)) {
            byte[] chunk = new byte[BodyBytes.BLOCK];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                total += n;
                if (total > maxInflatedBytes) {
                    throw new RequestRejected(413, "body_too_large", 6,
                            "gzip body inflates beyond max_decompressed_bytes (" + maxInflatedBytes + ")");
                }
                to.accept(chunk, n);
            }
        } catch (IOException e) {
            throw new RequestRejected(400, "invalid_gzip", 6,
                    "Content-Encoding: gzip but the body is not valid gzip (" + e.getClass().getSimpleName() + ")");
        }
    }

    private BodyBytes inflateToBlocks(BodyBytes body, RequestMemory memory) throws RequestRejected {
        BodyBytes inflated = new BodyBytes(memory, -1);
        try {
            inflate(body, (chunk, n) -> inflated.append(chunk, 0, n));
        } catch (RequestRejected e) {
            inflated.releaseAll();
            throw e;
        } finally {
            body.releaseAll();
        }
        return inflated;
    }

    /** Groups events into batches of at most {@code max_batch_events} events and about 1 MiB as they arrive. */
    private final class Batches {
        private final RequestMemory memory;
        private final List<Slice> slices = new ArrayList<>();
        private List<RawEvent> current = new ArrayList<>();
        private long bytes;
        private int count;

        Batches(RequestMemory memory) {
            this.memory = memory;
        }

        /** {@code size}: message bytes, already charged with the event's overhead. */
        void add(RawEvent event, long size) {
            current.add(event);
            bytes += size + EVENT_OVERHEAD;
            count++;
            if (current.size() >= maxBatchEvents || bytes - (long) current.size() * EVENT_OVERHEAD >= MAX_BATCH_BYTES) {
                cut();
            }
        }

        private void cut() {
            if (!current.isEmpty()) {
                slices.add(new Slice(List.copyOf(current), bytes));
                current = new ArrayList<>(Math.min(maxBatchEvents, 1024));
                bytes = 0;
            }
        }

        Parsed done() {
            return done(null);
        }

        Parsed done(RequestRejected refusedAfter) {
            cut();
            // what was reserved ahead but is not held goes back to the budget now
            memory.trim();
            return new Parsed(List.copyOf(slices), count, refusedAfter);
        }
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
