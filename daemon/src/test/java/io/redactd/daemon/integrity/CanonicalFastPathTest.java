package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-level fast path must agree with the general parser whenever it accepts, and decline otherwise. */
class CanonicalFastPathTest {
    @TempDir
    static Path dir;
    private static List<byte[]> lines;

    @BeforeAll
    static void chain() throws Exception {
        Path state = dir.resolve("state");
        SealingKey.generate(true).create(state);
        Path out = dir.resolve("out.ndjson");
        try (EcsEventWriter w = new EcsEventWriter(HashChain.open(state, "web-01", new CheckpointPolicy(50, 3_600_000),
                1_795_000_000_000L), out, 1_795_000_000_000L)) {
            w.write(400, 25);
            w.seal();
        }
        Files.delete(state.resolve("integrity/chain-head.json"));
        try (EcsEventWriter w = new EcsEventWriter(HashChain.open(state, "web-01", new CheckpointPolicy(50, 3_600_000),
                1_795_000_100_000L), out, 1_795_000_100_000L)) {
            w.write(60, 25); // a restart event and a second stream
        }
        lines = Files.readAllLines(out).stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** The slow path's verdict: the parsed event and the bytes it hashes, or null if it rejects the input. */
    private record Verdict(ChainedDoc doc, byte[] hashed) {
    }

    private static Verdict slow(byte[] b) {
        CanonicalWriter w = new CanonicalWriter(64);
        try {
            ChainedDoc d = ChainedDoc.parse(b, 0, b.length, w);
            return new Verdict(d, w.toByteArray());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Verdict fast(byte[] b) {
        int[] at = new int[1];
        ChainedDoc d = CanonicalFastPath.tryParse(b, 0, b.length, at);
        if (d == null) {
            return null;
        }
        byte[] hashed = new byte[b.length - CanonicalFastPath.SPLICE];
        System.arraycopy(b, 0, hashed, 0, at[0]);
        System.arraycopy(b, at[0] + CanonicalFastPath.SPLICE, hashed, at[0], b.length - at[0] - CanonicalFastPath.SPLICE);
        return new Verdict(d, hashed);
    }

    @Test
    void acceptsEveryEventTheDaemonWritesAndAgreesWithTheParser() {
        assertThat(lines).anyMatch(l -> new String(l, StandardCharsets.UTF_8).contains("\"kind\":\"checkpoint\""))
                .anyMatch(l -> new String(l, StandardCharsets.UTF_8).contains("\"kind\":\"chain_restart\""));
        for (byte[] l : lines) {
            Verdict f = fast(l);
            Verdict s = slow(l);
            assertThat(f).as(new String(l, StandardCharsets.UTF_8)).isNotNull();
            assertThat(f.doc()).isEqualTo(s.doc());
            assertThat(f.hashed()).isEqualTo(s.hashed());
        }
    }

    @Test
    void whateverItAcceptsAfterRandomDamageTheParserReadsTheSame() {
        Random rnd = new Random(42);
        byte[] alphabet = "{}[]\":,\\/0123456789-.eEabfnrtu \u00e9".getBytes(StandardCharsets.UTF_8);
        int accepted = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] l = lines.get(rnd.nextInt(lines.size()));
            byte[] m = mutate(l, rnd, alphabet);
            Verdict f = fast(m);
            if (f == null) {
                continue;
            }
            accepted++;
            Verdict s = slow(m);
            assertThat(s).as("fast path accepted what the parser rejects: %s", new String(m, StandardCharsets.UTF_8))
                    .isNotNull();
            assertThat(f.doc()).isEqualTo(s.doc());
            assertThat(f.hashed()).as(new String(m, StandardCharsets.UTF_8)).isEqualTo(s.hashed());
        }
        assertThat(accepted).as("some mutations keep the document canonical (e.g. inside a message)")
                .isGreaterThan(100);
    }

    private static byte[] mutate(byte[] l, Random rnd, byte[] alphabet) {
        int i = rnd.nextInt(l.length);
        byte c = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
        return switch (rnd.nextInt(3)) {
            case 0 -> {
                byte[] m = l.clone();
                m[i] = c;
                yield m;
            }
            case 1 -> {
                byte[] m = new byte[l.length + 1];
                System.arraycopy(l, 0, m, 0, i);
                m[i] = c;
                System.arraycopy(l, i, m, i + 1, l.length - i);
                yield m;
            }
            default -> {
                byte[] m = new byte[l.length - 1];
                System.arraycopy(l, 0, m, 0, i);
                System.arraycopy(l, i + 1, m, i, l.length - i - 1);
                yield m;
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"message\":\"a\\/b\"",      // '/' needs no escape
            "\"message\":\"\\u00e9\"",    // non-ASCII is literal
            "\"message\":\"\\u000a\"",    // \n has a short form
            "\"message\":\"\\u001F\"",    // escapes are lowercase
            "\"message\": \"x\"",          // whitespace
            "\"message\":1.0",
            "\"message\":-0",
            "\"message\":01",
            "\"message\":1e3",
            "\"message\":9007199254740993",
            "\"a\":1,\"message\":\"x\""    // a key after "chain" that sorts before it
    })
    void declinesWhatIsNotCanonical(String tail) {
        byte[] l = lines.get(5);
        String s = new String(l, StandardCharsets.UTF_8);
        int m = s.indexOf("\"message\":");
        byte[] bad = (s.substring(0, m) + tail + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(fast(bad)).isNull();
    }

    @Test
    void declinesMalformedUtf8() {
        byte[] l = lines.get(5);
        String s = new String(l, StandardCharsets.UTF_8);
        int m = s.indexOf("\"message\":\"") + 11;
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xF8, (byte) 0x88})) {
            byte[] prefix = s.substring(0, m).getBytes(StandardCharsets.UTF_8);
            byte[] suffix = s.substring(m).getBytes(StandardCharsets.UTF_8);
            byte[] doc = Arrays.copyOf(prefix, prefix.length + bad.length + suffix.length);
            System.arraycopy(bad, 0, doc, prefix.length, bad.length);
            System.arraycopy(suffix, 0, doc, prefix.length + bad.length, suffix.length);
            assertThat(fast(doc)).isNull();
        }
    }
}
