package io.redactd.daemon.integrity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an intruder with write access to the stored stream (but without the key) can do to its lines, for the tamper
 * tests on chains written by the chain code and by the running daemon. Lines are as the file output writes them
 * (canonical key order, so {@code "seq":N,"stream"} is how a seq appears).
 */
public final class Tampering {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+),\"stream\"");

    private Tampering() {
    }

    public static int indexOfSeq(List<String> lines, long seq) {
        String needle = "\"seq\":" + seq + ",\"stream\"";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i;
            }
        }
        throw new AssertionError("no seq " + seq);
    }

    public static long seqOf(String line) {
        Matcher m = SEQ.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no chain.seq in a line of " + line.length() + " characters");
        }
        return Long.parseLong(m.group(1));
    }

    public static List<Integer> checkpointIndexes(List<String> lines) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"kind\":\"checkpoint\"")) {
                idx.add(i);
            }
        }
        return idx;
    }

    public static ObjectNode parse(String line) throws Exception {
        return (ObjectNode) MAPPER.readTree(line);
    }

    /**
     * A whole stream made up by someone without the key, as a forger would: a chain_restart naming a real stream as
     * the one before it, then {@code events} copies of {@code template} with new messages, every hash recomputed per
     * daemon/README "The chain, precisely". No checkpoint: its MAC would need the key.
     */
    public static List<String> forgedRestartStream(String previousStream, String stream, String template, int events)
            throws Exception {
        List<String> out = new ArrayList<>();
        ObjectNode restart = (ObjectNode) MAPPER.readTree("{\"@timestamp\":\"2026-12-07T19:15:00.000Z\","
                + "\"chain\":{\"seq\":1,\"stream\":\"" + stream + "\"},"
                + "\"chain_restart\":{\"previous_stream\":\"" + previousStream + "\",\"reason\":\"head_missing\"},"
                + "\"event\":{\"dataset\":\"redactd.integrity\",\"kind\":\"chain_restart\"},"
                + "\"message\":\"redactd chain restarted: head_missing\"}");
        ((ObjectNode) restart.get("chain")).put("prev", HashChain.GENESIS_PREV);
        out.add(rehash(restart));
        String prev = restart.at("/chain/hash").asText();
        for (int seq = 2; seq <= events + 1; seq++) {
            ObjectNode e = parse(template);
            e.put("message", "FORGED event " + seq);
            ((ObjectNode) e.get("chain")).put("seq", seq).put("stream", stream).put("prev", prev);
            out.add(rehash(e));
            prev = e.at("/chain/hash").asText();
        }
        return out;
    }

    /** Recomputes chain.hash of an edited event from its chain.prev, as anyone can: only the checkpoint MAC needs a key. */
    public static String rehash(ObjectNode doc) throws Exception {
        ObjectNode c = doc.deepCopy();
        ((ObjectNode) c.get("chain")).remove(List.of("prev", "hash"));
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(doc.at("/chain/prev").asText().getBytes(StandardCharsets.US_ASCII));
        d.update(CanonicalJson.canonicalize(MAPPER.writeValueAsBytes(c)));
        ((ObjectNode) doc.get("chain")).put("hash", HexFormat.of().formatHex(d.digest()));
        return MAPPER.writeValueAsString(doc);
    }
}
