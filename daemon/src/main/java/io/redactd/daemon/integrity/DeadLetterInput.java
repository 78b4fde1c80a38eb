package io.redactd.daemon.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The documents of outputs' dead-letter files ({@code dead_letter_path}, written by the outputs' DeadLetterFile), read
 * as further events of the input: a document the store rejected for good is still part of the chain, so
 * {@code verify --dead-letter} fills the gap it left instead of reporting it deleted. Each line holds
 * {@code output, status, error_type, document} with the chained document as a JSON string; the document is verified
 * like any other event (its hash, its link), so one altered in the dead-letter file is still caught.
 *
 * <p>Only a document inside the seq range the input holds for its stream is verified: the dead-letter file is
 * cumulative (every stream, all time) while the input is often part of a stream, and an entry outside that range is
 * no evidence about it; those are counted for a note instead.
 *
 * <p>The documents are held in memory, keyed by stream and seq, until the verifier reaches their place: about the
 * size of the dead-letter files.
 */
final class DeadLetterInput {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One dead-lettered document and why its output rejected it; {@code where} locates the line for messages. */
    record Entry(byte[] document, String output, int status, String errorType, String where) {
    }

    private final Map<String, TreeMap<Long, List<Entry>>> byStream = new HashMap<>();
    /** Lines that are not dead-letter entries holding a chained document: handed to the verifier as malformed. */
    private final List<Entry> unreadable = new ArrayList<>();
    private final CanonicalWriter canonical = new CanonicalWriter(1024);
    /**
     * Seq range the input (the store, not the dead-letter files) holds per stream, {min, max}. A dead-letter file is
     * cumulative while a store often holds part of a stream (a daily index, what retention kept, an export up to
     * some time): only an entry inside this range fills a gap; one outside it is no evidence about this store.
     */
    private final Map<String, long[]> inputRange = new HashMap<>();

    static DeadLetterInput read(List<Path> files) throws IOException {
        DeadLetterInput in = new DeadLetterInput();
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                long n = 0;
                for (String line; (line = r.readLine()) != null; ) {
                    n++;
                    if (!line.isBlank()) {
                        in.add(line, f + " line " + n);
                    }
                }
            }
        }
        return in;
    }

    private void add(String line, String where) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.path("document").isTextual()) {
            // Not a dead-letter line: the verifier reports it (without quoting it) rather than skipping it silently.
            unreadable.add(new Entry(line.getBytes(StandardCharsets.UTF_8), null, 0, null, where));
            return;
        }
        byte[] doc = n.path("document").asText().getBytes(StandardCharsets.UTF_8);
        Entry e = new Entry(doc, n.path("output").asText("?"), n.path("status").asInt(0),
                n.path("error_type").asText("unknown"), where);
        ChainedDoc parsed;
        try {
            parsed = ChainedDoc.parse(doc, 0, doc.length, canonical);
        } catch (IllegalArgumentException ex) {
            unreadable.add(e);
            return;
        }
        byStream.computeIfAbsent(parsed.stream(), s -> new TreeMap<>())
                .computeIfAbsent(parsed.seq(), s -> new ArrayList<>(1)).add(e);
    }

    /**
     * The input read an event of {@code stream} at {@code seq}: widens the stream's range and removes and returns, in
     * seq order, the documents that range newly covers (every one in [min, max) is handed out once; one at max itself
     * waits until the range grows past it or the input ends).
     */
    List<Entry> takeWithin(String stream, long seq) {
        long[] r = inputRange.get(stream);
        if (r == null) {
            inputRange.put(stream, new long[] {seq, seq});
            return List.of();
        }
        NavigableMap<Long, List<Entry>> covered = null;
        TreeMap<Long, List<Entry>> m = byStream.get(stream);
        if (seq < r[0]) {
            covered = m == null ? null : m.subMap(seq, true, r[0], false);
            r[0] = seq;
        } else if (seq > r[1]) {
            covered = m == null ? null : m.subMap(r[1], true, seq, false);
            r[1] = seq;
        }
        if (covered == null || covered.isEmpty()) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        covered.values().forEach(out::addAll);
        covered.clear();
        return out;
    }

    /**
     * At the end of the input: removes and returns the unreadable lines and the documents still inside the input's
     * range (streams in the order of their names, each in seq order). The rest is counted: per stream of the input into
     * {@code outsideBeforeAfter} ({before its first seq, after its last, first, last}), of streams not in it into {@code
     * otherStreams} ({entries, streams}). Streams other than {@code onlyStream} (when given) are dropped: not asked for, so neither checked nor reported.
     */
    List<Entry> takeRest(String onlyStream, Map<String, long[]> outsideBeforeAfter, long[] otherStreams) {
        List<Entry> out = new ArrayList<>(unreadable);
        unreadable.clear();
        for (Map.Entry<String, TreeMap<Long, List<Entry>>> s : new TreeMap<>(byStream).entrySet()) {
            if (onlyStream != null && !onlyStream.equals(s.getKey())) {
                continue;
            }
            long[] r = inputRange.get(s.getKey());
            if (r == null) {
                otherStreams[0] += count(s.getValue());
                otherStreams[1]++;
                continue;
            }
            long before = count(s.getValue().headMap(r[0], false));
            long after = count(s.getValue().tailMap(r[1], false));
            if (before + after > 0) {
                outsideBeforeAfter.put(s.getKey(), new long[] {before, after, r[0], r[1]});
            }
            s.getValue().subMap(r[0], true, r[1], true).values().forEach(out::addAll);
        }
        byStream.clear();
        return out;
    }

    private static long count(Map<Long, List<Entry>> m) {
        return m.values().stream().mapToLong(List::size).sum();
    }
}
