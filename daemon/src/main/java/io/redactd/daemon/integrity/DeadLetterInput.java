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

    /** Removes and returns, in seq order, the documents of {@code stream} with a seq below {@code seq}. */
    List<Entry> takeBefore(String stream, long seq) {
        TreeMap<Long, List<Entry>> m = byStream.get(stream);
        if (m == null || m.isEmpty() || m.firstKey() >= seq) {
            return List.of();
        }
        NavigableMap<Long, List<Entry>> head = m.headMap(seq, false);
        List<Entry> out = new ArrayList<>();
        head.values().forEach(out::addAll);
        head.clear();
        return out;
    }

    /** Removes and returns everything left, streams in the order of their names, each in seq order. */
    List<Entry> takeRest() {
        List<Entry> out = new ArrayList<>(unreadable);
        unreadable.clear();
        new TreeMap<>(byStream).values().forEach(m -> m.values().forEach(out::addAll));
        byStream.clear();
        return out;
    }
}
