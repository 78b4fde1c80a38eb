package io.redactd.daemon.integrity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * One forwarded event read back: its chain members, what kind of event it is, and (written into the caller's
 * {@link CanonicalWriter}) the canonical bytes the hash covers, i.e. the event without chain.prev and chain.hash.
 *
 * <p>Single streaming pass when the input is already canonical-ordered (the daemon's own file output); otherwise the
 * event is canonicalized through a tree first (Elasticsearch _source, Splunk exports reorder keys). Duplicate member
 * names are refused either way, so a store cannot show one value while the verifier hashes another.
 *
 * @param checkpoint sealed fields when {@code kind} is "checkpoint" and they are well-formed, else null
 */
public record ChainedDoc(String stream, long seq, String prev, String hash, String kind, Checkpoint checkpoint,
                         String restartReason, String previousStream) {

    public static final String KIND_CHECKPOINT = "checkpoint";
    public static final String KIND_RESTART = "chain_restart";

    private static final JsonFactory FACTORY = new JsonFactory();

    public boolean isCheckpoint() {
        return KIND_CHECKPOINT.equals(kind);
    }

    public boolean isRestart() {
        return KIND_RESTART.equals(kind);
    }

    /**
     * Parses one event; {@code out} is reset and receives the canonical bytes without prev/hash.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting the event)
     */
    public static ChainedDoc parse(byte[] buf, int off, int len, CanonicalWriter out) {
        try {
            return new Reader().read(buf, off, len, out.reset());
        } catch (NotCanonicalOrder e) {
            byte[] canonical = CanonicalJson.canonicalize(buf, off, len, new CanonicalWriter(len + 16)).toByteArray();
            try {
                return new Reader().read(canonical, 0, canonical.length, out.reset());
            } catch (NotCanonicalOrder impossible) {
                throw new IllegalStateException("canonical output is not in canonical order", impossible);
            }
        }
    }

    /** Thrown (without a stack trace, it is control flow) when member names are not strictly increasing. */
    private static final class NotCanonicalOrder extends Exception {
        NotCanonicalOrder() {
            super(null, null, false, false);
        }
    }

    private static final NotCanonicalOrder NOT_CANONICAL = new NotCanonicalOrder();

    private enum Scope { OTHER, CHAIN, EVENT, CHECKPOINT, RESTART }

    /** Parse state for one event. */
    private static final class Reader {
        private JsonParser p;
        private CanonicalWriter out;
        private String stream;
        private long seq = -1;
        private String prev;
        private String hash;
        private String kind;
        private String restartReason;
        private String previousStream;
        private String cpStream;
        private String cpHeadHash;
        private String cpMac;
        private String cpSig;
        private long cpHeadSeq = -1;
        private long cpCount = -1;
        private long cpKeyIndex = -1;

        ChainedDoc read(byte[] buf, int off, int len, CanonicalWriter w) throws NotCanonicalOrder {
            this.out = w;
            try (JsonParser parser = FACTORY.createParser(buf, off, len)) {
                this.p = parser;
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("event is not a JSON object");
                }
                object(Scope.OTHER, true);
                if (p.nextToken() != null) {
                    throw new IllegalArgumentException("trailing data after the event object");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("event is not valid JSON: " + JsonErrors.describe(e));
            }
            if (seq < 1) {
                throw new IllegalArgumentException("event has no positive integer chain.seq");
            }
            if (stream == null) {
                throw new IllegalArgumentException("event has no chain.stream");
            }
            if (!Hex.isSha256Hex(prev) || !Hex.isSha256Hex(hash)) {
                throw new IllegalArgumentException("event seq " + seq
                        + " lacks chain.prev/chain.hash as 64 lowercase hex digits");
            }
            Checkpoint cp = null;
            if (KIND_CHECKPOINT.equals(kind) && cpStream != null && cpHeadHash != null && cpMac != null
                    && cpHeadSeq >= 0 && cpCount >= 0 && cpKeyIndex >= 0) {
                cp = new Checkpoint(cpStream, cpHeadSeq, cpHeadHash, cpCount, cpKeyIndex, cpMac, cpSig);
            }
            return new ChainedDoc(stream, seq, prev, hash, kind, cp, restartReason, previousStream);
        }

        /** Current token is START_OBJECT; writes the object canonically, checking member order. */
        private void object(Scope scope, boolean top) throws IOException, NotCanonicalOrder {
            out.raw('{');
            String last = null;
            boolean first = true;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (last != null && name.compareTo(last) <= 0) {
                    throw NOT_CANONICAL; // out of order or a duplicate: the tree path sorts or refuses
                }
                last = name;
                t = p.nextToken();
                if (scope == Scope.CHAIN && ("hash".equals(name) || "prev".equals(name))) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new IllegalArgumentException("chain." + name + " is not a string");
                    }
                    if ("hash".equals(name)) {
                        hash = p.getText();
                    } else {
                        prev = p.getText();
                    }
                    continue; // not part of the hashed bytes
                }
                if (!first) {
                    out.raw(',');
                }
                first = false;
                out.string(name).raw(':');
                Scope inner = Scope.OTHER;
                if (top && t == JsonToken.START_OBJECT) {
                    inner = switch (name) {
                        case "chain" -> Scope.CHAIN;
                        case "event" -> Scope.EVENT;
                        case "checkpoint" -> Scope.CHECKPOINT;
                        case "chain_restart" -> Scope.RESTART;
                        default -> Scope.OTHER;
                    };
                }
                if (scope != Scope.OTHER) {
                    capture(scope, name, t);
                }
                value(t, inner);
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException("malformed object");
            }
            out.raw('}');
        }

        private void capture(Scope scope, String name, JsonToken t) throws IOException {
            boolean str = t == JsonToken.VALUE_STRING;
            boolean integer = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
            switch (scope) {
                case CHAIN -> {
                    if ("seq".equals(name) && integer) {
                        seq = p.getLongValue();
                    } else if ("stream".equals(name) && str) {
                        stream = p.getText();
                    }
                }
                case EVENT -> {
                    if ("kind".equals(name) && str) {
                        kind = p.getText();
                    }
                }
                case RESTART -> {
                    if ("reason".equals(name) && str) {
                        restartReason = p.getText();
                    } else if ("previous_stream".equals(name) && str) {
                        previousStream = p.getText();
                    }
                }
                case CHECKPOINT -> {
                    switch (name) {
                        case "stream" -> cpStream = str ? p.getText() : null;
                        case "head_hash" -> cpHeadHash = str ? p.getText() : null;
                        case "mac" -> cpMac = str ? p.getText() : null;
                        case "sig" -> cpSig = str ? p.getText() : null;
                        case "head_seq" -> cpHeadSeq = integer ? p.getLongValue() : -1;
                        case "count" -> cpCount = integer ? p.getLongValue() : -1;
                        case "key_index" -> cpKeyIndex = integer ? p.getLongValue() : -1;
                        default -> {
                        }
                    }
                }
                default -> {
                }
            }
        }

        private void value(JsonToken t, Scope scope) throws IOException, NotCanonicalOrder {
            switch (t) {
                case START_OBJECT -> object(scope, false);
                case START_ARRAY -> {
                    out.raw('[');
                    boolean first = true;
                    JsonToken e;
                    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (e == null) {
                            throw new IllegalArgumentException("unterminated array");
                        }
                        if (!first) {
                            out.raw(',');
                        }
                        first = false;
                        value(e, Scope.OTHER);
                    }
                    out.raw(']');
                }
                case VALUE_STRING -> out.string(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            && Math.abs(p.getLongValue()) <= CanonicalJson.MAX_SAFE_INTEGER) {
                        out.number(p.getLongValue());
                    } else {
                        out.raw(CanonicalJson.formatNumber(p.getDoubleValue()));
                    }
                }
                case VALUE_NUMBER_FLOAT -> out.raw(CanonicalJson.formatNumber(p.getDoubleValue()));
                case VALUE_TRUE -> out.raw("true");
                case VALUE_FALSE -> out.raw("false");
                case VALUE_NULL -> out.raw("null");
                default -> throw new IllegalArgumentException("unexpected JSON token " + t);
            }
        }
    }
}
