package io.redactd.detectors.synthetic;

import java.util.List;

/**
 * One synthetic log line with its ground truth.
 *
 * @param text  the line, without terminator
 * @param kind  what the line is for
 * @param shape the log format it imitates (nginx, json, syslog, hl7, kv, stacktrace)
 * @param phi   every PHI value in the line (empty unless kind is PHI)
 */
public record LabeledLine(String text, Kind kind, String shape, List<PhiValue> phi) {

    public enum Kind {
        /** Carries one or more PHI values, listed in {@code phi}. */
        PHI,
        /** Carries no PHI but look-alikes (UUIDs, hashes, Luhn-failing numbers, versions, timestamps...). */
        HARD_NEGATIVE,
        /** Ordinary log traffic without PHI. */
        CLEAN
    }
}
