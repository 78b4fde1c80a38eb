package io.redactd.detectors.redact;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.redactd.detectors.Action;
import io.redactd.detectors.Finding;
import io.redactd.detectors.engine.CompiledDetector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redacts a JSON object line inside its values and keeps it valid JSON (Jackson streaming, no tree).
 *
 * <p>Each string value is scanned decoded (so {@code \u0040} escapes are seen as {@code @}) in the form
 * {@code "key":"value"}, which gives context words in the key and label patterns such as {@code "firstName":} what
 * they expect; only spans inside the value are redacted. Numbers are scanned the same way and, when redacted, become
 * strings. Field rules redact a whole value by its path. A finding's offsets for a JSON line span the raw JSON value
 * (or key) that held it. The output is re-serialized compactly.
 */
final class JsonLineRedactor {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final RedactionPlan plan;
    private final SpanFinder finder;
    private final Replacements replacements;
    private final ByteBuf out = new ByteBuf(512);
    private final ByteBuf scratch = new ByteBuf(256);
    private final ByteBuf value = new ByteBuf(256);
    private final List<String> path = new ArrayList<>();
    private boolean drop;
    private boolean changed;

    JsonLineRedactor(RedactionPlan plan, SpanFinder finder, Replacements replacements) {
        this.plan = plan;
        this.finder = finder;
        this.replacements = replacements;
    }

    /** Returns false (and leaves {@code result} alone) when the line is not exactly one JSON object. */
    boolean redact(byte[] line, int off, int len, MutableLineResult result) {
        out.reset();
        path.clear();
        drop = false;
        changed = false;
        result.startFindings();
        try (JsonParser p = FACTORY.createParser(line, off, len);
             JsonGenerator g = FACTORY.createGenerator(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            g.writeStartObject();
            copyObject(p, g, null, off, result);
            if (p.nextToken() != null) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        if (!changed) {
            result.setClean(line, off, len);
        } else {
            result.setRedacted(out.array(), out.length(), drop);
        }
        return true;
    }

    /** Copies the object whose START_OBJECT was just read; {@code rule} is the field rule covering it, if any. */
    private void copyObject(JsonParser p, JsonGenerator g, FieldRule rule, int off, MutableLineResult result)
            throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int keyStart = (int) p.currentTokenLocation().getByteOffset() - off;
            String key = redactText(null, name, keyStart, keyEnd(p, off), result);
            g.writeFieldName(key);
            path.add(name);
            FieldRule covering = rule != null ? rule : matchRule();
            p.nextToken();
            copyValue(p, g, covering, name, off, result);
            path.remove(path.size() - 1);
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unexpected token");
        }
        g.writeEndObject();
    }

    private void copyArray(JsonParser p, JsonGenerator g, FieldRule rule, String name, int off,
                           MutableLineResult result) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            copyValue(p, g, rule, name, off, result);
        }
        g.writeEndArray();
    }

    private void copyValue(JsonParser p, JsonGenerator g, FieldRule rule, String name, int off,
                           MutableLineResult result) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("truncated");
        }
        switch (t) {
            case START_OBJECT -> {
                g.writeStartObject();
                copyObject(p, g, rule, off, result);
            }
            case START_ARRAY -> {
                g.writeStartArray();
                copyArray(p, g, rule, name, off, result);
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                int start = (int) p.currentTokenLocation().getByteOffset() - off;
                String text = p.getText();
                int end = (int) p.currentLocation().getByteOffset() - off;
                if (rule != null) {
                    g.writeString(ruleReplacement(rule, text, start, end, result));
                    return;
                }
                String redacted = redactText(name, text, start, end, result);
                if (t == JsonToken.VALUE_STRING || redacted != text) {
                    g.writeString(redacted);
                } else {
                    g.writeNumber(text); // raw text: no float reformatting
                }
            }
            default -> g.copyCurrentEvent(p);
        }
    }

    private static int keyEnd(JsonParser p, int off) {
        return (int) p.currentLocation().getByteOffset() - off;
    }

    private FieldRule matchRule() {
        if (plan.fieldRules.length == 0) {
            return null;
        }
        String dotted = String.join(".", path);
        for (FieldRule r : plan.fieldRules) {
            if (r.matches(dotted)) {
                return r;
            }
        }
        return null;
    }

    private String ruleReplacement(FieldRule rule, String text, int start, int end, MutableLineResult result) {
        byte[] v = text.getBytes(StandardCharsets.UTF_8);
        value.reset();
        replacements.write(value, rule.action(), typeBytes(rule.type()), rule.normalization(), v, 0, v.length);
        result.addFinding(new Finding(rule.type(), "field:" + rule.pattern(), start, end, rule.action()));
        changed = true;
        drop |= rule.action() == Action.DROP;
        return new String(value.array(), 0, value.length(), StandardCharsets.US_ASCII);
    }

    /**
     * Scans {@code "name":"text"} and returns {@code text} with the spans inside it replaced, or {@code text} itself
     * (same reference) when nothing was found.
     */
    private String redactText(String name, String text, int rawStart, int rawEnd, MutableLineResult result) {
        scratch.reset();
        if (name != null) {
            scratch.write('"');
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            scratch.write(n, 0, n.length);
            scratch.writeAscii("\":\"");
        }
        int from = scratch.length();
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        scratch.write(t, 0, t.length);
        int to = scratch.length();
        scratch.write('"');
        int found = finder.find(scratch.array(), 0, scratch.length(), false);
        if (found == 0) {
            return text;
        }
        byte[] buf = finder.text();
        value.reset();
        int cursor = from;
        boolean any = false;
        for (int i = 0; i < found; i++) {
            int s = Math.max(finder.start(i), cursor);
            int e = Math.min(finder.end(i), to);
            if (e <= s) {
                continue; // entirely in the key label around the value
            }
            CompiledDetector d = finder.detector(i);
            value.write(buf, cursor, s - cursor);
            replacements.write(value, d.action(), d.typeBytes(), d.normalization(), buf, s, e);
            cursor = e;
            any = true;
            result.addFinding(new Finding(d.type(), d.id(), rawStart, rawEnd, d.action()));
            drop |= d.action() == Action.DROP;
        }
        if (!any) {
            return text;
        }
        value.write(buf, cursor, to - cursor);
        changed = true;
        return new String(value.array(), 0, value.length(), StandardCharsets.UTF_8);
    }

    private static byte[] typeBytes(String type) {
        return type.getBytes(StandardCharsets.US_ASCII);
    }
}
