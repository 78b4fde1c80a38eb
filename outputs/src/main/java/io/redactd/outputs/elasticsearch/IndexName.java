package io.redactd.outputs.elasticsearch;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** An index name pattern with {@code %Y %m %d %H} taken from the event time in UTC. */
final class IndexName {
    private static final String FORBIDDEN = "\\/*?\"<>| ,#:";

    private final String pattern;
    private final boolean dated;

    IndexName(String pattern) {
        this.pattern = pattern;
        this.dated = pattern.indexOf('%') >= 0;
    }

    boolean dated() {
        return dated;
    }

    String format(long epochMillis) {
        if (!dated) {
            return pattern;
        }
        ZonedDateTime time = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
        StringBuilder name = new StringBuilder(pattern.length() + 8);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                name.append(c);
                continue;
            }
            char field = pattern.charAt(++i);
            switch (field) {
                case 'Y' -> name.append(time.getYear());
                case 'm' -> pad(name, time.getMonthValue());
                case 'd' -> pad(name, time.getDayOfMonth());
                case 'H' -> pad(name, time.getHour());
                default -> throw new IllegalStateException("unvalidated pattern");
            }
        }
        return name.toString();
    }

    /** The wildcard every name of this pattern matches, for the index template. */
    String wildcard() {
        int percent = pattern.indexOf('%');
        return percent < 0 ? pattern : pattern.substring(0, percent) + "*";
    }

    private static void pad(StringBuilder name, int value) {
        if (value < 10) {
            name.append('0');
        }
        name.append(value);
    }

    static String problem(String pattern) {
        if (pattern.isEmpty()) {
            return "index name is empty";
        }
        if (pattern.startsWith("_") || pattern.startsWith("-") || pattern.startsWith("+")) {
            return "index names cannot start with _, - or +";
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0) {
                return "index names cannot contain '" + c + "'";
            }
            if (c == '%') {
                if (i + 1 >= pattern.length() || "YmdH".indexOf(pattern.charAt(i + 1)) < 0) {
                    return "only %Y, %m, %d and %H are supported in index names";
                }
                i++;
            } else if (Character.isUpperCase(c)) {
                return "index names must be lowercase";
            }
        }
        return null;
    }
}
