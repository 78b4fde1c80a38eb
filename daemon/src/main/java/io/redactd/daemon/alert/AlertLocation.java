package io.redactd.daemon.alert;

import java.util.Map;

/**
 * Where in the source the finding was: file and byte offset (file input), or the sender and route (syslog host and
 * app, HTTP route). Never event text.
 */
public record AlertLocation(String file, Long offset, String syslogHost, String syslogApp, String route) {
    static AlertLocation of(Map<String, Object> fields) {
        Object off = fields.get("log.offset");
        Object route = fields.get("redactd.route");
        return new AlertLocation(AlertSource.text(fields.get("log.file.path")),
                off instanceof Number n ? Long.valueOf(n.longValue()) : null,
                AlertSource.text(fields.get("log.syslog.hostname")), AlertSource.text(fields.get("log.syslog.appname")),
                route == null ? null : String.valueOf(route));
    }

    public String label() {
        if (file != null) {
            return file + (offset != null ? " at offset " + offset : "");
        }
        StringBuilder sb = new StringBuilder();
        if (syslogHost != null) {
            sb.append("syslog host ").append(syslogHost);
        }
        if (syslogApp != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("app ").append(syslogApp);
        }
        if (route != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("route ").append(route);
        }
        return sb.toString();
    }
}
