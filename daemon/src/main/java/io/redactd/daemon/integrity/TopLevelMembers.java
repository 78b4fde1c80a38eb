package io.redactd.daemon.integrity;

import java.nio.charset.StandardCharsets;

/**
 * Finds where a member belongs among the top-level members of a canonical JSON object, by a single scan that skips
 * nested values and strings without parsing them.
 */
final class TopLevelMembers {
    private TopLevelMembers() {
    }

    /**
     * The offset where a member named {@code name} (ASCII) must start to keep canonical order: the opening quote of
     * the first top-level member whose name sorts after it, or the closing brace.
     *
     * @throws IllegalArgumentException if {@code doc} is not an object or already has the member
     */
    static int insertionPoint(byte[] doc, String name) {
        byte[] target = name.getBytes(StandardCharsets.US_ASCII);
        if (doc.length < 2 || doc[0] != '{' || doc[doc.length - 1] != '}') {
            throw new IllegalArgumentException("event document is not a JSON object");
        }
        int depth = 0;
        boolean expectKey = true;
        int i = 0;
        while (i < doc.length) {
            byte c = doc[i];
            if (c == '"') {
                int start = i;
                int end = skipString(doc, i);
                if (depth == 1 && expectKey) {
                    int cmp = compareKey(doc, start + 1, end - 1, target);
                    if (cmp == 0) {
                        throw new IllegalArgumentException("event document already has a top-level \"" + name + "\"");
                    }
                    if (cmp > 0) {
                        return start;
                    }
                    expectKey = false;
                }
                i = end;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
                expectKey = c == '{' && depth == 1;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            } else if (c == ',' && depth == 1) {
                expectKey = true;
            }
            i++;
        }
        throw new IllegalArgumentException("event document is not a complete JSON object");
    }

    /** Index just past the closing quote of the string opening at {@code i}. */
    private static int skipString(byte[] b, int i) {
        for (int j = i + 1; j < b.length; j++) {
            if (b[j] == '\\') {
                j++;
            } else if (b[j] == '"') {
                return j + 1;
            }
        }
        throw new IllegalArgumentException("event document has an unterminated string");
    }

    /**
     * Compares a raw (escaped, UTF-8) key with an ASCII name in UTF-16 code unit order. An escape decodes to a
     * control character or a quote/backslash; any byte >= 0x80 starts a character above every ASCII one.
     */
    private static int compareKey(byte[] b, int from, int to, byte[] ascii) {
        int i = from;
        int k = 0;
        while (i < to && k < ascii.length) {
            int ch;
            if (b[i] == '\\') {
                byte e = b[i + 1];
                ch = switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'u' -> Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16);
                    default -> e;
                };
                i += e == 'u' ? 6 : 2;
            } else {
                ch = b[i] & 0xFF;
                i++;
            }
            if (ch != ascii[k]) {
                return ch >= 0x80 ? 1 : Integer.compare(ch, ascii[k]);
            }
            k++;
        }
        if (i < to) {
            return 1;
        }
        return k < ascii.length ? -1 : 0;
    }
}
