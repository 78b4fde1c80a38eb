package io.redactd.daemon.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Small state files as canonical JSON with a {@code check} member: the SHA-256 of the canonical JSON of the other
 * members. A file that fails to parse or to match its check is corrupt (bit rot, a torn copy, a hand edit).
 */
final class ChecksummedJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChecksummedJson() {
    }

    static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    static byte[] encode(ObjectNode fields) {
        ObjectNode copy = fields.deepCopy();
        copy.remove("check");
        copy.put("check", check(copy));
        CanonicalWriter w = new CanonicalWriter();
        CanonicalJson.write(copy, w);
        return w.raw('\n').toByteArray();
    }

    /** Parses and checks; throws {@link CorruptStateException} saying what is wrong (never echoing content). */
    static ObjectNode decode(byte[] content, String what) throws CorruptStateException {
        JsonNode node;
        try {
            node = MAPPER.readTree(content);
        } catch (IOException e) {
            throw new CorruptStateException(what + " is not valid JSON (" + JsonErrors.describe(e) + ")");
        }
        if (!(node instanceof ObjectNode obj) || !obj.path("check").isTextual()) {
            throw new CorruptStateException(what + " has no check member");
        }
        String stored = obj.get("check").asText();
        ObjectNode rest = obj.deepCopy();
        rest.remove("check");
        if (!MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                check(rest).getBytes(StandardCharsets.US_ASCII))) {
            throw new CorruptStateException(what + " fails its checksum");
        }
        return rest;
    }

    private static String check(ObjectNode fields) {
        CanonicalWriter w = new CanonicalWriter();
        CanonicalJson.write(fields, w);
        return Hex.encode(Sha256.digest(w.toByteArray()));
    }

    static long requireLong(ObjectNode o, String field, String what) throws CorruptStateException {
        JsonNode n = o.get(field);
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber()) {
            throw new CorruptStateException(what + " lacks integer member '" + field + "'");
        }
        return n.longValue();
    }

    static String requireText(ObjectNode o, String field, String what) throws CorruptStateException {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new CorruptStateException(what + " lacks string member '" + field + "'");
        }
        return n.textValue();
    }
}
