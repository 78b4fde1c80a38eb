package io.redactd.daemon.alert;

import java.util.Locale;

/** Alert severity, in PagerDuty's vocabulary (the strictest of the targets); syslog maps it to its own levels. */
public enum Severity {
    CRITICAL(2), ERROR(3), WARNING(4), INFO(6);

    private final int syslogLevel;

    Severity(int syslogLevel) {
        this.syslogLevel = syslogLevel;
    }

    public int syslogLevel() {
        return syslogLevel;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The more severe of two. */
    public Severity max(Severity other) {
        return other.ordinal() < ordinal() ? other : this;
    }

    public static Severity parse(String s) {
        return s == null ? null : switch (s.toLowerCase(Locale.ROOT)) {
            case "critical" -> CRITICAL;
            case "error" -> ERROR;
            case "warning" -> WARNING;
            case "info" -> INFO;
            default -> null;
        };
    }
}
