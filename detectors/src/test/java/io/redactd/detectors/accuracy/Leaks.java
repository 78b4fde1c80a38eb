package io.redactd.detectors.accuracy;

import java.util.regex.Pattern;

/**
 * Decides whether a labeled value survived redaction. A value counts as recalled only when the output contains
 * neither the value nor any 4-character fragment of it, except fragments that also occur in the input outside the
 * value (a DOB's "-03-12" may legitimately remain in the line's own timestamp). Redaction markers are ignored.
 */
public final class Leaks {
    /** Test-only: java.util.regex on generated lines, never on production input. */
    private static final Pattern MARKER = Pattern.compile("\\[REDACTED:[A-Z0-9_]+(?::[^\\]]*)?\\]");

    private Leaks() {
    }

    public static boolean leaked(String input, String output, String value) {
        if (output.contains(value)) {
            return true;
        }
        String elsewhere = input.replace(value, "\u0000");
        String out = MARKER.matcher(output).replaceAll("\u0000");
        for (int i = 0; i + 4 <= value.length(); i++) {
            String fragment = value.substring(i, i + 4);
            if (!elsewhere.contains(fragment) && out.contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
