package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashChainTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long T0 = 1_795_000_000_000L;

    @TempDir
    Path dir;

    private static byte[] event(HashChain chain, String message) {
        CanonicalWriter w = new CanonicalWriter(64);
        w.raw("{\"@timestamp\":\"2026-11-27T03:17:52.123Z\",\"chain\":{");
        int at = w.size();
        chain.writeSeqAndStream(w).raw("},\"message\":").string(message).raw('}');
        return chain.link(w.array(), 0, w.size(), at);
    }

    private static String sha256Hex(byte[]... parts) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            d.update(p);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    void hashIsSha256OfPrevHexThenCanonicalDocWithoutPrevAndHash() throws Exception {
        HashChain chain = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        byte[] first = event(chain, "hello");
        byte[] second = event(chain, "world");

        for (byte[] doc : List.of(first, second)) {
            // Already canonical as forwarded: canonicalising again changes nothing.
            assertThat(CanonicalJson.canonicalize(doc)).isEqualTo(doc);
        }
        ObjectNode d1 = (ObjectNode) MAPPER.readTree(first);
        ObjectNode d2 = (ObjectNode) MAPPER.readTree(second);
        assertThat(d1.at("/chain/seq").asLong()).isEqualTo(1);
        assertThat(d1.at("/chain/prev").asText()).isEqualTo("0".repeat(64));
        assertThat(d2.at("/chain/prev").asText()).isEqualTo(d1.at("/chain/hash").asText());
        assertThat(d1.at("/chain/stream").asText()).startsWith("web-01-").isEqualTo(chain.stream());

        // Recompute independently, from the definition: SHA-256(ASCII hex prev || canonical doc minus prev/hash).
        for (ObjectNode d : List.of(d1, d2)) {
            String prev = d.at("/chain/prev").asText();
            String hash = d.at("/chain/hash").asText();
            ObjectNode stripped = d.deepCopy();
            ((ObjectNode) stripped.get("chain")).remove(List.of("prev", "hash"));
            byte[] canonical = CanonicalJson.canonicalize(MAPPER.writeValueAsBytes(stripped));
            assertThat(sha256Hex(prev.getBytes(StandardCharsets.US_ASCII), canonical)).isEqualTo(hash);
        }
        assertThat(chain.headHash()).isEqualTo(d2.at("/chain/hash").asText());
    }

    @Test
    void linkRefusesAnEventThatDoesNotCarryTheNextSeq() throws Exception {
        HashChain chain = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        CanonicalWriter w = new CanonicalWriter(64);
        w.raw("{\"chain\":{");
        int at = w.size();
        w.raw("\"seq\":7,\"stream\":\"").raw(chain.stream()).raw("\"}}");
        assertThatThrownBy(() -> chain.link(w.array(), 0, w.size(), at))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"seq\":1");
        assertThat(chain.lastSeq()).isZero();
    }

    @Test
    void restartContinuesSeqAndPrevFromTheCommittedHead() throws Exception {
        HashChain a = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        event(a, "one");
        event(a, "two");
        a.commit();
        HashChain b = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0 + 60_000);
        assertThat(b.stream()).isEqualTo(a.stream());
        assertThat(b.pollControlEvent(T0 + 60_000)).as("no restart event after a clean restart").isNull();
        JsonNode third = MAPPER.readTree(event(b, "three"));
        assertThat(third.at("/chain/seq").asLong()).isEqualTo(3);
        assertThat(third.at("/chain/prev").asText()).isEqualTo(a.headHash());
    }

    @Test
    void uncommittedEventsAreRelinkedWithTheSameSeqsAfterACrash() throws Exception {
        HashChain a = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        event(a, "one");
        a.commit();
        event(a, "two, never durable");
        HashChain b = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        assertThat(b.nextSeq()).isEqualTo(2);
    }

    @Test
    void recoverAdoptsEventsDurableInTheBufferBeyondTheHead() throws Exception {
        HashChain a = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        event(a, "one");
        a.commit();
        byte[] two = event(a, "two: in the buffer, head not committed");
        HashChain b = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        assertThat(b.recover(two)).isTrue();
        assertThat(b.recover(two)).as("already at or below the head").isFalse();
        assertThat(b.nextSeq()).isEqualTo(3);
        assertThat(b.headHash()).isEqualTo(a.headHash());
    }

    @Test
    void lostHeadBeginsANewStreamWithAVisibleRestartEvent() throws Exception {
        HashChain a = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        event(a, "one");
        a.commit();
        Files.delete(dir.resolve("integrity/chain-head.json"));

        HashChain b = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0 + 5_000);
        assertThat(b.stream()).isNotEqualTo(a.stream());
        assertThatThrownBy(() -> event(b, "must wait")).isInstanceOf(IllegalStateException.class);
        JsonNode restart = MAPPER.readTree(b.pollControlEvent(T0 + 5_000));
        assertThat(restart.at("/event/kind").asText()).isEqualTo("chain_restart");
        assertThat(restart.at("/chain_restart/reason").asText()).isEqualTo("head_missing");
        assertThat(restart.at("/chain_restart/previous_stream").asText()).isEqualTo(a.stream());
        assertThat(restart.at("/chain/seq").asLong()).isEqualTo(1);
        assertThat(restart.at("/chain/prev").asText()).isEqualTo(HashChain.GENESIS_PREV);
        assertThat(MAPPER.readTree(event(b, "after")).at("/chain/seq").asLong()).isEqualTo(2);
    }

    @Test
    void corruptHeadIsDetectedByItsChecksum() throws Exception {
        HashChain a = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        event(a, "one");
        a.commit();
        Path head = dir.resolve("integrity/chain-head.json");
        Files.writeString(head, Files.readString(head).replace("\"seq\":1", "\"seq\":9"));

        HashChain b = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0 + 5_000);
        JsonNode restart = MAPPER.readTree(b.pollControlEvent(T0 + 5_000));
        assertThat(restart.at("/chain_restart/reason").asText()).isEqualTo("head_corrupt");
    }

    @Test
    void firstStartWithOnlyAKeyIsAPlainGenesis() throws Exception {
        SealingKey.generate(false).create(dir);
        HashChain chain = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, T0);
        assertThat(chain.pollControlEvent(T0)).isNull();
        assertThat(chain.sealing()).isTrue();
    }

    @Test
    void checkpointMacsUnderAnEvolvingKeyAndTheOldKeyLeavesTheDisk() throws Exception {
        SealingKey generated = SealingKey.generate(true);
        String k0 = generated.keyHex();
        generated.create(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(SealingKey.file(dir))))
                .isEqualTo("rw-------");

        HashChain chain = HashChain.open(dir, "web-01", new CheckpointPolicy(2, 60_000), T0);
        event(chain, "a");
        assertThat(chain.pollControlEvent(T0)).as("1 of 2 events, interval not reached").isNull();
        event(chain, "b");
        byte[] cpDoc = chain.pollControlEvent(T0);
        assertThat(cpDoc).isNotNull();
        JsonNode cp = MAPPER.readTree(cpDoc);
        assertThat(cp.at("/event/kind").asText()).isEqualTo("checkpoint");
        assertThat(cp.at("/chain/seq").asLong()).isEqualTo(3);
        assertThat(cp.at("/checkpoint/head_seq").asLong()).isEqualTo(2);
        assertThat(cp.at("/checkpoint/count").asLong()).isEqualTo(2);
        assertThat(cp.at("/checkpoint/key_index").asLong()).isZero();
        assertThat(cp.at("/checkpoint/head_hash").asText()).isEqualTo(cp.at("/chain/prev").asText());

        byte[] message = Checkpoint.message(chain.stream(), 2, cp.at("/checkpoint/head_hash").asText(), 2, 0);
        byte[] k0Bytes = HexFormat.of().parseHex(k0);
        assertThat(cp.at("/checkpoint/mac").asText())
                .isEqualTo(HexFormat.of().formatHex(SealingKey.hmac(k0Bytes, message)));
        String pub = SealingKey.load(dir).orElseThrow().publicKeyHex().orElseThrow();
        assertThat(SealingKey.verifySignature(HexFormat.of().parseHex(pub), message,
                HexFormat.of().parseHex(cp.at("/checkpoint/sig").asText()))).isTrue();

        assertThat(Files.readString(SealingKey.file(dir))).as("K[0] stays until commit").contains(k0);
        chain.commit();
        String keyFile = Files.readString(SealingKey.file(dir));
        assertThat(keyFile).doesNotContain(k0)
                .contains(HexFormat.of().formatHex(SealingKey.next(k0Bytes)))
                .contains("\"index\":1");

        // Time-based: one event, then the interval passes.
        event(chain, "c");
        assertThat(chain.pollControlEvent(T0 + 59_999)).isNull();
        JsonNode second = MAPPER.readTree(chain.pollControlEvent(T0 + 60_000));
        assertThat(second.at("/checkpoint/key_index").asLong()).isEqualTo(1);
        assertThat(second.at("/checkpoint/count").asLong()).as("seq 4, after the checkpoint at seq 3").isEqualTo(1);
    }

    @Test
    void headCommittedButKeyFileNotYetReplacedFinishesTheEvolutionOnOpen() throws Exception {
        SealingKey.generate(false).create(dir);
        byte[] oldKeyFile = Files.readAllBytes(SealingKey.file(dir));
        HashChain chain = HashChain.open(dir, "web-01", new CheckpointPolicy(1, 60_000), T0);
        event(chain, "a");
        chain.pollControlEvent(T0);
        chain.commit();
        Files.write(SealingKey.file(dir), oldKeyFile); // as if the crash came between the two writes
        HashChain reopened = HashChain.open(dir, "web-01", new CheckpointPolicy(1, 60_000), T0);
        assertThat(SealingKey.load(dir).orElseThrow().index()).isEqualTo(1);
        assertThat(reopened.nextSeq()).isEqualTo(3);
    }

    @Test
    void aSealingKeyOthersCanReadIsWarnedAboutAtOpenAndStillUsed() throws Exception {
        Path state = dir.resolve("loose");
        SealingKey.generate(false).create(state);
        Path keyFile = SealingKey.file(state);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        HashChain chain;
        String log;
        try (io.redactd.daemon.tls.LogCapture capture = new io.redactd.daemon.tls.LogCapture()) {
            chain = HashChain.open(state, "web-01", new CheckpointPolicy(1, 3_600_000), T0);
            log = capture.text();
        }
        assertThat(log).contains("the sealing key file " + keyFile + " is readable by other users (rw-r--r--)")
                .contains("chmod 600 " + keyFile);
        assertThat(chain.sealing()).as("warned, not refused").isTrue();

        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        try (io.redactd.daemon.tls.LogCapture capture = new io.redactd.daemon.tls.LogCapture()) {
            HashChain.open(state, "web-01", new CheckpointPolicy(1, 3_600_000), T0);
            assertThat(capture.text()).doesNotContain("readable by other users");
        }
    }
}
