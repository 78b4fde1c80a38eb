package io.redactd.daemon.integrity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by the UTF-16 code units of their names,
 * no whitespace, strings escaped as RFC 8785 3.2.2.2 says (short forms for {@code \" \\ \b \f \n \r \t}, lowercase
 * {@code \\u00xx} for other controls, everything else literal UTF-8), numbers as ECMAScript's Number.prototype.toString
 * prints the IEEE-754 double they denote. Duplicate member names are rejected (I-JSON).
 *
 * <p>The daemon writes events already canonical with {@link CanonicalWriter}; this class is for arbitrary input
 * (what a SIEM hands back) and is the reference the verifier uses.
 */
public final class CanonicalJson {
    /** 2^53: integers up to this magnitude are exact doubles and print as plain digits. */
    public static final long MAX_SAFE_INTEGER = 1L << 53;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    private CanonicalJson() {
    }

    /** Canonical UTF-8 bytes of a JSON text; throws {@link IllegalArgumentException} naming the problem. */
    public static byte[] canonicalize(byte[] json) {
        return canonicalize(json, 0, json.length, new CanonicalWriter(json.length + 16)).toByteArray();
    }

    public static CanonicalWriter canonicalize(byte[] json, int off, int len, CanonicalWriter out) {
        JsonNode tree;
        try (JsonParser p = MAPPER.createParser(json, off, len)) {
            tree = MAPPER.readTree(p);
            if (tree == null) {
                throw new IllegalArgumentException("empty JSON text");
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing data after the JSON value");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + JsonErrors.describe(e), e);
        }
        write(tree, out);
        return out;
    }

    /** Writes a Jackson tree canonically. */
    public static void write(JsonNode node, CanonicalWriter out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.size());
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    members.add(it.next());
                }
                // String.compareTo compares UTF-16 code units, exactly RFC 8785 3.2.3.
                members.sort(Map.Entry.comparingByKey());
                out.raw('{');
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        out.raw(',');
                    }
                    out.string(members.get(i).getKey()).raw(':');
                    write(members.get(i).getValue(), out);
                }
                out.raw('}');
            }
            case ARRAY -> {
                out.raw('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.raw(',');
                    }
                    write(node.get(i), out);
                }
                out.raw(']');
            }
            case STRING -> out.string(node.textValue());
            case BOOLEAN -> out.raw(node.booleanValue() ? "true" : "false");
            case NULL -> out.raw("null");
            case NUMBER -> {
                if (node.isIntegralNumber() && node.canConvertToLong()
                        && Math.abs(node.longValue()) <= MAX_SAFE_INTEGER) {
                    out.number(node.longValue());
                } else {
                    out.raw(formatNumber(node.doubleValue()));
                }
            }
            default -> throw new IllegalArgumentException("unsupported JSON node " + node.getNodeType());
        }
    }

    /** Appends UTF-8 bytes as a canonical string literal; the fast path for a producer writing a message. */
    public static void appendString(CanonicalWriter out, byte[] utf8, int off, int len) {
        out.string(utf8, off, len);
    }

    /**
     * ECMAScript Number.prototype.toString (ECMA-262 7.1.12.1) for a finite double: the shortest decimal that reads
     * back as the same double (the closest such one on a tie), printed plainly for exponents in [-6, 21), otherwise
     * as {@code d.ddde+x}. Java 17's Double.toString is not always shortest, hence BigDecimal here; the chain itself
     * only carries integers, so this path is off the hot path.
     */
    public static String formatNumber(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("NaN and Infinity are not valid JSON numbers (RFC 8785 3.2.2.3)");
        }
        if (d == 0) {
            return "0"; // also -0
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e21 && Math.abs(d) <= MAX_SAFE_INTEGER) {
            return Long.toString((long) d);
        }
        String sign = d < 0 ? "-" : "";
        BigDecimal shortest = shortestRoundTrip(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // value = digits x 10^(n-k)
        StringBuilder sb = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            sb.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }

    private static BigDecimal shortestRoundTrip(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p <= 17; p++) {
            // The round-trip interval can be asymmetric (at powers of two), so both neighbours at this precision
            // are candidates; of those that read back as d, the closer one wins, the even one on a tie.
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == d;
            boolean upOk = up.doubleValue() == d;
            if (downOk && upOk) {
                int cmp = exact.subtract(down).compareTo(up.subtract(exact));
                if (cmp != 0) {
                    return (cmp < 0 ? down : up).stripTrailingZeros();
                }
                return exact.round(new MathContext(p, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            }
            if (downOk) {
                return down.stripTrailingZeros();
            }
            if (upOk) {
                return up.stripTrailingZeros();
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
    }
}
