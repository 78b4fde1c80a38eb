package io.redactd.daemon.alert;

import java.util.Map;

/**
 * Where an event came from, from its ECS fields: the input id, the file path (file input), the peer address
 * (syslog, HTTP) and the dataset (the HTTP token's source name). Never event text.
 */
public record AlertSource(String input, String path, String peer, String dataset) {
    static AlertSource of(String inputId, Map<String, Object> fields) {
        return new AlertSource(inputId, text(fields.get("log.file.path")), text(fields.get("source.ip")),
                text(fields.get("event.dataset")));
    }

    /** The identity a window is kept for: the file, else the peer, else the dataset, within the input. */
    public String key() {
        String where = path != null ? path : peer != null ? "peer:" + peer : dataset != null ? "dataset:" + dataset : "";
        return input + '\u0000' + where;
    }

    /** A short human label: the path, or the peer and dataset, or the input. */
    public String label() {
        if (path != null) {
            return path;
        }
        if (peer != null) {
            return (dataset != null && !dataset.equals(input) ? dataset + " from " : "") + peer + " (input " + input + ")";
        }
        return "input " + input;
    }

    static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }
}
