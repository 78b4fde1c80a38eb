package io.redactd.daemon.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redactd.daemon.event.EventDocument;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/** The wire forms of an alert: generic JSON, Slack, PagerDuty Events API v2, and the ECS event for the stream. */
public final class AlertPayloads {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Slack limits a section's text to 3000 characters and a header to 150. */
    private static final int SLACK_SECTION = 2900;
    private static final int SLACK_HEADER = 150;
    /** PagerDuty limits payload.summary to 1024 characters and dedup_key to 255. */
    private static final int PD_SUMMARY = 1024;

    private AlertPayloads() {
    }

    /** The generic webhook body. */
    public static ObjectNode generic(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", a.id());
        o.put("@timestamp", a.timestamp().toString());
        o.put("kind", a.kind().wire());
        o.put("severity", a.severity().wire());
        o.put("host", a.host());
        o.put("summary", a.summary());
        if (a.source() != null) {
            ObjectNode s = o.putObject("source");
            putIf(s, "input", a.source().input());
            putIf(s, "path", a.source().path());
            putIf(s, "peer", a.source().peer());
            putIf(s, "dataset", a.source().dataset());
        }
        ArrayNode types = o.putArray("types");
        a.counts().keySet().forEach(types::add);
        ObjectNode counts = o.putObject("counts");
        a.counts().forEach(counts::put);
        o.put("count", a.count());
        if (a.where() != null) {
            ObjectNode w = o.putObject("where");
            putIf(w, "file", a.where().file());
            if (a.where().offset() != null) {
                w.put("offset", a.where().offset());
            }
            putIf(w, "syslog_host", a.where().syslogHost());
            putIf(w, "syslog_app", a.where().syslogApp());
            putIf(w, "route", a.where().route());
        }
        ArrayNode det = o.putArray("detectors");
        a.detectors().forEach(det::add);
        putIf(o, "redacted_line", a.redactedLine());
        if (!a.tokens().isEmpty()) {
            ArrayNode t = o.putArray("tokens");
            a.tokens().forEach(t::add);
        }
        if (a.windowStart() != null) {
            ObjectNode w = o.putObject("window");
            w.put("start", a.windowStart().toString());
            w.put("end", a.windowEnd().toString());
        }
        if (a.kind() == Alert.Kind.STORM) {
            o.put("sources", a.sources());
        }
        return o;
    }

    /** Slack incoming webhook: {@code text} as the notification fallback, {@code blocks} for the message. */
    public static ObjectNode slack(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", a.summary());
        ArrayNode blocks = o.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        header.putObject("text").put("type", "plain_text")
                .put("text", clip(":rotating_light: redactd " + a.kind().wire().replace('_', ' ') + " (" + a.severity().wire() + ")", SLACK_HEADER));
        StringBuilder body = new StringBuilder();
        body.append('*').append(escape(a.summary())).append('*');
        if (a.where() != null && !a.where().label().isEmpty()) {
            body.append("\n*Where:* ").append(escape(a.where().label()));
        }
        if (a.redactedLine() != null) {
            // Backticks would end the code span early.
            body.append("\n```").append(escape(a.redactedLine().replace("`", "'"))).append("```");
        }
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", clip(body.toString(), SLACK_SECTION));
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", escape("host " + a.host() + " | types " + String.join(",", a.types()) + " | count "
                        + a.count() + " | detectors " + String.join(",", a.detectors()) + " | id " + a.id()));
        return o;
    }

    /**
     * PagerDuty Events API v2 trigger. The dedup key is per (host, source, type set) so repeated alerts of one leak
     * update one incident instead of paging again.
     */
    public static ObjectNode pagerDuty(Alert a, String routingKey) {
        ObjectNode o = JSON.createObjectNode();
        o.put("routing_key", routingKey);
        o.put("event_action", "trigger");
        o.put("dedup_key", clip(dedupKey(a), 255));
        ObjectNode p = o.putObject("payload");
        p.put("summary", clip(a.summary(), PD_SUMMARY));
        p.put("source", a.host());
        p.put("severity", a.severity().wire());
        p.put("timestamp", a.timestamp().toString());
        p.put("component", a.source() == null ? "redactd" : a.source().label());
        p.put("group", "redactd");
        p.put("class", "phi_leak");
        p.set("custom_details", generic(a));
        o.put("client", "redactd");
        return o;
    }

    static String dedupKey(Alert a) {
        String src = a.source() == null ? a.kind().wire() : a.source().label();
        return "redactd/" + a.host() + "/" + src + "/" + String.join(",", a.types());
    }

    /** The ECS event for the event stream ({@code event.kind: alert}): chained and shipped like any event. */
    public static EventDocument event(Alert a) {
        EventDocument d = new EventDocument();
        d.put("@timestamp", a.timestamp().toString())
                .put("host.name", a.host())
                .put("event.kind", "alert")
                .put("event.dataset", "redactd.alerts")
                .put("event.id", a.id())
                .put("event.severity", (long) a.severity().syslogLevel())
                .put("message", a.summary());
        Map<String, Object> redactd = new TreeMap<>();
        redactd.put("kind", a.kind().wire());
        redactd.put("severity", a.severity().wire());
        redactd.put("types", new ArrayList<>(a.types()));
        redactd.put("counts", new TreeMap<String, Object>(a.counts()));
        redactd.put("count", a.count());
        redactd.put("detectors", new ArrayList<>(a.detectors()));
        if (a.source() != null) {
            putIf(redactd, "input", a.source().input());
            putIf(redactd, "path", a.source().path());
            putIf(redactd, "peer", a.source().peer());
        }
        if (a.where() != null) {
            putIf(redactd, "where", a.where().label());
            if (a.where().offset() != null) {
                redactd.put("offset", a.where().offset());
            }
        }
        putIf(redactd, "redacted_line", a.redactedLine());
        if (!a.tokens().isEmpty()) {
            redactd.put("tokens", new ArrayList<>(a.tokens()));
        }
        if (a.windowStart() != null) {
            redactd.put("window_start", a.windowStart().toString());
            redactd.put("window_end", a.windowEnd().toString());
        }
        d.put("redactd.alert", redactd);
        return d;
    }

    public static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert JSON could not be written", e);
        }
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    /** Slack mrkdwn control characters. */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void putIf(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    private static void putIf(Map<String, Object> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
