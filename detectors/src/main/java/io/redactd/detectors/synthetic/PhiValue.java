package io.redactd.detectors.synthetic;

/**
 * Ground truth for one PHI value in a synthetic line: its type (as in the catalog) and the exact string as it
 * appears in the line (including any encoding, e.g. {@code john%40example.org}).
 */
public record PhiValue(String type, String value) {
}
