package io.redactd.detectors.redact;

import io.redactd.detectors.Action;
import io.redactd.detectors.catalog.DetectorSpec.Normalization;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A JSON field-name rule: {@code patient.name} names one dotted path from the root (array levels do not count),
 * {@code *.ssn} any path ending in {@code ssn}. Matching is ASCII case-insensitive. A matching field's whole value
 * (every string and number under it, if it is an object or array) is redacted as {@code type}.
 */
public record FieldRule(String pattern, String type, Action action, Normalization normalization) {

    public FieldRule {
        if (!pattern.matches("(\\*\\.)?[^.*]+(\\.[^.*]+)*")) {
            throw new IllegalArgumentException("field rule '" + pattern
                    + "': expected a dotted path such as patient.name or *.ssn ('*' only as the first segment)");
        }
    }

    boolean anyPrefix() {
        return pattern.startsWith("*.");
    }

    private String tail() {
        return (anyPrefix() ? pattern.substring(2) : pattern).toLowerCase(Locale.ROOT);
    }

    boolean matches(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        String tail = tail();
        if (!anyPrefix()) {
            return p.equals(tail);
        }
        return p.equals(tail) || p.endsWith("." + tail);
    }

    /** The last path segment, lower-case: a line that does not contain it quoted cannot trigger this rule. */
    byte[] lastSegment() {
        String tail = tail();
        return tail.substring(tail.lastIndexOf('.') + 1).getBytes(StandardCharsets.UTF_8);
    }
}
