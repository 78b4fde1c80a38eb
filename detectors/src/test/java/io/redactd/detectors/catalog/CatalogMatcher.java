package io.redactd.detectors.catalog;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A slow, obviously-correct interpretation of the catalog with RE2/J alone (no prefilter, no Hyperscan), used to test
 * the patterns independently of the engines: every pattern, value group, validator and context rule is applied as the
 * spec describes, and overlaps are resolved longest first, then by priority.
 */
final class CatalogMatcher {
    /** A validated match: the value's span in the line and the spec that found it. */
    record Hit(int start, int end, DetectorSpec spec) {
        int length() {
            return end - start;
        }
    }

    private record Compiled(DetectorSpec spec, Pattern pattern) {
    }

    private final List<Compiled> compiled = new ArrayList<>();

    CatalogMatcher(List<DetectorSpec> specs) {
        for (DetectorSpec spec : specs) {
            for (String p : spec.patterns()) {
                compiled.add(new Compiled(spec, Pattern.compile(p)));
            }
        }
    }

    /**
     * All validated matches, overlapping ones included, as byte offsets in the line's UTF-8 (what the redactor reads:
     * RE2/J matches the bytes, validators get them).
     */
    List<Hit> candidates(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        // ASCII-lowered, one char per byte: context words are ASCII and matched byte for byte
        String lower = new String(bytes, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        List<Hit> hits = new ArrayList<>();
        for (Compiled c : compiled) {
            Matcher m = c.pattern().matcher(bytes);
            int from = 0;
            while (from <= bytes.length && m.find(from)) {
                int g = c.spec().valueGroup();
                int s = m.start(g);
                int e = m.end(g);
                boolean ok = s >= 0 && e > s && c.spec().validator().valid(bytes, s, e)
                        && contextOk(c.spec(), lower, s);
                if (ok) {
                    hits.add(new Hit(s, e, c.spec()));
                    // like the redactor: a consumed underscore after the value may start the next one
                    boolean underscore = e == m.end() - 1 && bytes[e] == '_';
                    from = Math.max(underscore ? e : m.end(), m.start() + 1);
                } else {
                    from = m.start() + 1;
                }
            }
        }
        return hits;
    }

    /** A context word must occur within {@code contextWindow} bytes before the value. */
    private static boolean contextOk(DetectorSpec spec, String lower, int valueStart) {
        if (!spec.contextRequired()) {
            return true;
        }
        String window = lower.substring(Math.max(0, valueStart - spec.contextWindow()), valueStart);
        return spec.context().stream().anyMatch(window::contains);
    }

    /** Non-overlapping hits: longest first, then highest priority, then leftmost. */
    List<Hit> resolve(String line) {
        List<Hit> all = candidates(line);
        all.sort(Comparator.comparingInt(Hit::length).reversed()
                .thenComparing(Comparator.comparingInt((Hit h) -> h.spec().priority()).reversed())
                .thenComparingInt(Hit::start));
        List<Hit> kept = new ArrayList<>();
        for (Hit h : all) {
            if (kept.stream().noneMatch(k -> k.start() < h.end() && h.start() < k.end())) {
                kept.add(h);
            }
        }
        kept.sort(Comparator.comparingInt(Hit::start));
        return kept;
    }

    String redact(String line) {
        List<Hit> hits = resolve(line);
        if (hits.isEmpty()) {
            return line;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length);
        int pos = 0;
        for (Hit h : hits) {
            out.write(bytes, pos, h.start() - pos);
            out.writeBytes(("[REDACTED:" + h.spec().type() + "]").getBytes(StandardCharsets.US_ASCII));
            pos = h.end();
        }
        out.write(bytes, pos, bytes.length - pos);
        return out.toString(StandardCharsets.UTF_8);
    }
}
