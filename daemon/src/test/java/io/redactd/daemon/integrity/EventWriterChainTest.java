package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redactd.daemon.event.EventWriter;
import io.redactd.daemon.event.Utf8Text;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's hot path, {@link EventWriter#finish} + {@link HashChain#append(byte[], int)} with the writer's
 * {@code chainAt}, against references that share none of its code: the scanning {@link HashChain#append(byte[])} on a
 * chain in the same state, Jackson's reading of the documents, the RFC 8785 reference {@link CanonicalJson}, and the
 * hash recomputed from its definition.
 */
class EventWriterChainTest {
    private static final long T0 = 1_795_000_000_000L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Top-level names around "chain" in UTF-16 order, nested ones, and non-ASCII ones. */
    private static final List<String> KEYS = List.of("@timestamp", "message", "host.name", "log.offset",
            "log.file.path", "log.flags", "event.dataset", "redactd.findings", "a", "b.c", "c", "ch", "chaia",
            "chain0", "chain_restart", "chainz.x", "cha", "d.e.f", "\u00e9t\u00e9", "Z", "\u0001odd", "q\"k");

    @TempDir
    Path dir;

    @Test
    void appendAtTheWritersOffsetIsByteIdenticalToTheScanningAppendAndVerifies() throws Exception {
        Path a = dir.resolve("a");
        HashChain fast = HashChain.open(a, "web-01", CheckpointPolicy.DEFAULT, T0);
        fast.append("{\"m\":1}".getBytes(StandardCharsets.US_ASCII));
        fast.commit();
        Path b = dir.resolve("b");
        copyTree(a, b);
        HashChain reference = HashChain.open(b, "web-01", CheckpointPolicy.DEFAULT, T0);
        assertThat(reference.stream()).isEqualTo(fast.stream());
        assertThat(reference.headHash()).isEqualTo(fast.headHash());

        Random rnd = new Random(8785);
        EventWriter writer = new EventWriter();
        String prev = fast.headHash();
        for (int round = 0; round < 4000; round++) {
            List<String> keys = new ArrayList<>(KEYS);
            Collections.shuffle(keys, rnd);
            keys = keys.subList(0, rnd.nextInt(keys.size() + 1));
            writer.begin();
            for (String k : keys) {
                writer.field(k, value(rnd));
            }
            byte[] doc = writer.finish();
            // The offset itself, not only the result: a wrong one would be caught by the fallback scan.
            if (writer.chainAt() >= 0) {
                assertThat(writer.chainAt()).isEqualTo(TopLevelMembers.insertionPoint(doc, "chain"));
            }
            byte[] out = fast.append(doc, writer.chainAt());
            assertThat(new String(out, StandardCharsets.UTF_8)).as("round %d %s", round, keys)
                    .isEqualTo(new String(reference.append(doc), StandardCharsets.UTF_8));

            // Independent checks: canonical per the reference, the document plus only the chain member, the hash
            // is SHA-256(prev || event without chain.prev/hash) and prev links to the previous event.
            assertThat(CanonicalJson.canonicalize(out)).isEqualTo(out);
            ObjectNode forwarded = (ObjectNode) MAPPER.readTree(out);
            JsonNode chain = forwarded.remove("chain");
            assertThat(forwarded).isEqualTo(MAPPER.readTree(doc));
            assertThat(chain.get("prev").asText()).isEqualTo(prev);
            assertThat(chain.get("seq").asLong()).isEqualTo(fast.lastSeq());
            ChainedDoc parsed = ChainedDoc.parse(out, 0, out.length, new CanonicalWriter(out.length));
            CanonicalWriter hashed = new CanonicalWriter(out.length);
            ChainedDoc.parse(out, 0, out.length, hashed);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prev.getBytes(StandardCharsets.US_ASCII));
            sha.update(hashed.array(), 0, hashed.size());
            assertThat(parsed.hash()).isEqualTo(Hex.encode(sha.digest()));
            prev = parsed.hash();
        }
    }

    @Test
    void aTopLevelChainFieldIsRefusedOnBothPaths() throws Exception {
        HashChain chain = HashChain.open(dir.resolve("s"), "web-01", CheckpointPolicy.DEFAULT, T0);
        EventWriter writer = new EventWriter();
        writer.begin().core("message", "m");
        assertThat(writer.field("chain.seq", 5L)).isTrue();
        byte[] doc = writer.finish();
        assertThat(writer.chainAt()).isEqualTo(-1);
        assertThatThrownBy(() -> chain.append(doc, writer.chainAt())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> chain.append(doc)).isInstanceOf(IllegalArgumentException.class);
        assertThat(chain.lastSeq()).isZero();
    }

    @Test
    void aWrongOffsetFallsBackToTheScan() throws Exception {
        Path a = dir.resolve("a");
        HashChain chain = HashChain.open(a, "web-01", CheckpointPolicy.DEFAULT, T0);
        byte[] doc = "{\"a\":\"x,\\\"y\",\"event\":{\"dataset\":\"d\"},\"message\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        for (int at : new int[] {0, 3, 7, doc.length - 2, doc.length, 99}) {
            byte[] out = chain.append(doc, at);
            assertThat(CanonicalJson.canonicalize(out)).as("offset %d", at).isEqualTo(out);
            assertThat(new String(out, StandardCharsets.UTF_8)).contains("\"x,\\\"y\",\"chain\":{\"hash\":");
        }
    }

    private static Object value(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> EventWriterRandom.string(rnd);
            case 1 -> rnd.nextBoolean() ? (long) rnd.nextInt() : rnd.nextLong() % CanonicalJson.MAX_SAFE_INTEGER;
            case 2 -> List.of("split", EventWriterRandom.string(rnd));
            case 3 -> Utf8Text.of(EventWriterRandom.string(rnd).getBytes(StandardCharsets.UTF_8));
            case 4 -> new TreeMap<String, Object>(Map.of("SSN", 2L, "EMAIL", 1L));
            default -> Collections.emptySortedMap();
        };
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Random text without unpaired surrogates (they become U+FFFD, which a round trip cannot compare). */
    static final class EventWriterRandom {
        private static final String[] PIECES = {"a", "Z", " ", "\"", "\\", "\n", "\t", "\b", "\f", "\r", "\u0000",
            "\u001f", "\u007f", "\u00e9", "\u20ac", "\ud83d\ude00", "\u2028", "/", "<", "0", "[REDACTED:SSN]",
            "GET /index.html HTTP/1.1", "\u00ff\u0100"};

        static String string(Random rnd) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                sb.append(rnd.nextInt(3) == 0 ? PIECES[rnd.nextInt(PIECES.length)] : Character.toString('a' + rnd.nextInt(26)));
            }
            return sb.toString();
        }
    }
}
