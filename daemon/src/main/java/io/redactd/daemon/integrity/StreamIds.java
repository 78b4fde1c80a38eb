package io.redactd.daemon.integrity;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Stream ids: {@code <name>-<UTC start time to the millisecond>}, e.g. {@code web-01-20261127T031752.123Z}. The name
 * (the host name by default) says whose chain it is; the time makes a new stream after a lost head distinct, and
 * ids of one name sort by age.
 */
final class StreamIds {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    // Only on trusted state-file content and config names, never on log data.
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private StreamIds() {
    }

    static String create(String name, long nowMs) {
        String clean = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (clean.isEmpty()) {
            clean = "redactd";
        }
        if (clean.length() > 100) {
            clean = clean.substring(0, 100);
        }
        return clean + "-" + STAMP.format(Instant.ofEpochMilli(nowMs));
    }

    static boolean isValid(String id) {
        return VALID.matcher(id).matches();
    }
}
