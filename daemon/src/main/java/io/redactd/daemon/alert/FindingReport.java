package io.redactd.daemon.alert;

import io.redactd.detectors.Action;
import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the redactor stage hands the alert manager for one event with findings: metadata and the REDACTED text
 * only. Built on the detection worker thread (the {@link LineResult} is only valid until the next line).
 *
 * @param counts       findings per type
 * @param detectors    detector ids per type
 * @param redactedLine the pipeline's output text truncated to the line limit; null when a drop action removed the event
 * @param tokens       {@code [TOKEN:...]} stand-ins in the redacted line
 */
record FindingReport(long timestampMs, AlertSource source, AlertLocation where, TreeMap<String, Long> counts,
                     Map<String, TreeSet<String>> detectors, String redactedLine, List<String> tokens) {
    private static final Pattern TOKEN = Pattern.compile("\\[TOKEN:[A-Z0-9_]+:[A-Za-z0-9_-]+:[0-9a-f]+]");

    static FindingReport of(String inputId, long timestampMs, Map<String, Object> fields, LineResult r,
                            byte[] redacted, int lineLimit) {
        TreeMap<String, Long> counts = new TreeMap<>();
        Map<String, TreeSet<String>> detectors = new TreeMap<>();
        boolean tokenized = false;
        for (int i = 0; i < r.findingCount(); i++) {
            Finding f = r.finding(i);
            counts.merge(f.type(), 1L, Long::sum);
            detectors.computeIfAbsent(f.type(), t -> new TreeSet<>()).add(f.detectorId());
            tokenized |= f.action() == Action.TOKENIZE;
        }
        String line = null;
        List<String> tokens = List.of();
        if (redacted != null) {
            String full = new String(redacted, StandardCharsets.UTF_8);
            if (tokenized) {
                tokens = new ArrayList<>();
                Matcher m = TOKEN.matcher(full);
                while (m.find() && tokens.size() < 32) {
                    tokens.add(m.group());
                }
            }
            line = truncate(full, lineLimit);
        }
        return new FindingReport(timestampMs, AlertSource.of(inputId, fields), AlertLocation.of(fields), counts,
                detectors, line, tokens);
    }

    /** Cuts at a code point boundary and marks the cut. */
    static String truncate(String s, int limit) {
        if (s.length() <= limit) {
            return s;
        }
        int end = limit;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "\u2026[truncated]";
    }
}
