package io.redactd.daemon.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scalars whose text held a {@code ${...}} reference, and what they became. Validators are written to say what
 * they got ({@code got 'localhost'}), which is right for a literal and a leak for a token read from
 * {@code ${file:/run/secrets/tok}}; rather than trusting every validator (in three modules) never to echo, each
 * problem's message is passed through {@link #conceal} before anyone sees it, so a validator added later cannot leak
 * either.
 */
final class SubstitutedValues {
    private record Entry(String path, String source, String value) {
    }

    private final Map<String, Entry> byPath = new LinkedHashMap<>();

    /** @param source the scalar as written in the file (safe to show); @param value what substitution made of it */
    void add(String path, String source, String value) {
        byPath.put(path, new Entry(path, source, value));
    }

    boolean isEmpty() {
        return byPath.isEmpty();
    }

    /**
     * {@code message} with what it echoes of a substituted value replaced by where the value came from. For a problem
     * at the substituted scalar itself, whatever follows {@code got} is taken for (part of) its value: validators
     * echo pieces too (the port of a {@code host:port}). Anywhere within the same section or component
     * ({@code admin}, {@code inputs[2]}), a whole value is hidden wherever it appears: cross-field messages name a
     * sibling's value.
     */
    String conceal(String path, String message) {
        if (byPath.isEmpty() || message.isEmpty()) {
            return message;
        }
        List<Hidden> hidden = new ArrayList<>();
        String root = root(path);
        for (Entry e : byPath.values()) {
            if (e.path.equals(path)) {
                echoes(message, e, hidden);
            }
            if (!e.value.isEmpty() && root.equals(root(e.path))) {
                occurrences(message, e, hidden);
            }
        }
        return hidden.isEmpty() ? message : rewrite(message, hidden);
    }

    /**
     * {@code message} with every whole substituted value hidden, wherever in the config it came from: for messages
     * that belong to no path, found after loading (a custom detector that does not compile, a listener that cannot
     * bind).
     */
    String concealAnywhere(String message) {
        if (byPath.isEmpty() || message == null || message.isEmpty()) {
            return message;
        }
        List<Hidden> hidden = new ArrayList<>();
        for (Entry e : byPath.values()) {
            if (!e.value.isEmpty()) {
                occurrences(message, e, hidden);
            }
        }
        return hidden.isEmpty() ? message : rewrite(message, hidden);
    }

    /** A range of the message to replace with {@code the value of <label>}. */
    private record Hidden(int start, int end, String label) {
    }

    /** {@code got 'anything'} (to the last quote: a value may hold quotes) or {@code got token}. */
    private static void echoes(String m, Entry e, List<Hidden> hidden) {
        int from = 0;
        while (true) {
            int at = m.indexOf("got ", from);
            if (at < 0) {
                return;
            }
            from = at + 4;
            if (at > 0 && Character.isLetterOrDigit(m.charAt(at - 1))) {
                continue;
            }
            int start = at + 4;
            if (start >= m.length()) {
                return;
            }
            char q = m.charAt(start);
            int end;
            if (q == '\'' || q == '"') {
                int close = m.lastIndexOf(q);
                end = close > start ? close + 1 : m.length();
            } else {
                end = start;
                while (end < m.length() && !Character.isWhitespace(m.charAt(end)) && ",;)".indexOf(m.charAt(end)) < 0) {
                    end++;
                }
            }
            if (end > start) {
                hidden.add(new Hidden(start, end, label(e.source)));
            }
            from = end;
        }
    }

    /** Every occurrence of the whole value that is not part of a longer word or number (with its quotes, if any). */
    private static void occurrences(String m, Entry e, List<Hidden> hidden) {
        String v = e.value;
        int from = 0;
        while (true) {
            int at = m.indexOf(v, from);
            if (at < 0) {
                return;
            }
            int end = at + v.length();
            from = at + 1;
            boolean wordBefore = at > 0 && Character.isLetterOrDigit(m.charAt(at - 1)) && Character.isLetterOrDigit(v.charAt(0));
            boolean wordAfter = end < m.length() && Character.isLetterOrDigit(m.charAt(end))
                    && Character.isLetterOrDigit(v.charAt(v.length() - 1));
            if (wordBefore || wordAfter) {
                continue;
            }
            int start = at;
            if (start > 0 && end < m.length() && "'\"".indexOf(m.charAt(start - 1)) >= 0 && m.charAt(end) == m.charAt(start - 1)) {
                start--;
                end++;
            }
            hidden.add(new Hidden(start, end, label(e.source)));
            from = end;
        }
    }

    private static String rewrite(String m, List<Hidden> hidden) {
        hidden.sort((a, b) -> a.start != b.start ? Integer.compare(a.start, b.start) : Integer.compare(b.end, a.end));
        StringBuilder out = new StringBuilder(m.length() + 32);
        int pos = 0;
        int i = 0;
        while (i < hidden.size()) {
            Hidden h = hidden.get(i);
            int end = h.end;
            List<String> labels = new ArrayList<>(List.of(h.label));
            // Overlapping ranges (a value inside a "got" echo) become one replacement naming each source once.
            for (i++; i < hidden.size() && hidden.get(i).start < end; i++) {
                end = Math.max(end, hidden.get(i).end);
                if (!labels.contains(hidden.get(i).label)) {
                    labels.add(hidden.get(i).label);
                }
            }
            out.append(m, pos, h.start).append("the value of ").append(String.join(" and ", labels));
            pos = end;
        }
        return out.append(m, pos, m.length()).toString();
    }

    /** {@code ${file:/x}} when the scalar was that one reference, else the whole scalar as written, quoted. */
    private static String label(String source) {
        String s = source.strip();
        if (s.startsWith("${") && s.indexOf('}') == s.length() - 1) {
            return s;
        }
        return "'" + source + "'";
    }

    /** The section or component a path belongs to: {@code inputs[2]} for {@code inputs[2].tls.cert}. */
    static String root(String path) {
        int dot = path.indexOf('.');
        String first = dot < 0 ? path : path.substring(0, dot);
        int close = first.indexOf(']');
        return close < 0 ? first : first.substring(0, close + 1);
    }
}
