package io.redactd.daemon.alert;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/**
 * One alert. Built only from finding metadata (types, detector ids, offsets), ECS source fields and the pipeline's
 * redacted output: it never holds a raw value.
 *
 * @param id           random UUID
 * @param kind         what happened
 * @param severity     the highest severity of its types
 * @param source       the source (null for storm and canary alerts, which span sources)
 * @param counts       findings per PHI type
 * @param count        findings in total
 * @param where        where the (first) finding was; null for summaries across sources
 * @param detectors    detector ids that fired
 * @param redactedLine the redacted event text, truncated to {@code alerts.line_limit}; null when the event was
 *                     dropped by a {@code drop} action or for summaries
 * @param tokens       the {@code [TOKEN:...]} stand-ins of the redacted line, when tokenization is configured
 * @param windowStart  start of the folding window (summaries), else null
 * @param windowEnd    end of the window (summaries), else null
 * @param summary      one line of text for humans (Slack, PagerDuty, syslog)
 * @param sources      for storm summaries: the number of sources involved
 */
public record Alert(String id, Instant timestamp, Kind kind, String host, Severity severity, AlertSource source,
                    SortedMap<String, Long> counts, long count, AlertLocation where, List<String> detectors,
                    String redactedLine, List<String> tokens, Instant windowStart, Instant windowEnd, String summary,
                    int sources) {

    public enum Kind {
        /** The first finding of a (source, type) pair in a window. */
        LEAK,
        /** Findings of one source folded during a window. */
        SUMMARY,
        /** Alerts folded by the rate limit or lost to a full queue, across sources. */
        STORM,
        /** The canary self-test failed; forwarding stopped. */
        CANARY_FAILED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public List<String> types() {
        return List.copyOf(counts.keySet());
    }
}
