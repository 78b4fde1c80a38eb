package io.redactd.daemon.integrity;

import static io.redactd.daemon.integrity.Tampering.checkpointIndexes;
import static io.redactd.daemon.integrity.Tampering.indexOfSeq;
import static io.redactd.daemon.integrity.Tampering.rehash;
import static io.redactd.daemon.integrity.Tampering.seqOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redactd.daemon.integrity.VerifyCli.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tamper tests: a real chain written by the chain code, altered as an intruder would, read back by the CLI. */
class VerifyCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long T0 = 1_795_000_000_000L;
    private static final int EVENTS = 10_000;
    private static final int TAIL = 7;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static List<String> pristine;
    /** pristine up to and including its last checkpoint: every event authenticated by a MAC. */
    private static List<String> sealed;
    private static Path keyFile;
    private static String publicKey;

    @BeforeAll
    static void writeChain() throws Exception {
        Path state = shared.resolve("state");
        StringWriter keygenOut = new StringWriter();
        int rc = new CommandLine(new KeygenCommand()).setOut(new PrintWriter(keygenOut))
                .execute("--state-dir", state.toString(), "--ed25519");
        assertThat(rc).isZero();
        keyFile = shared.resolve("auditor.key");
        List<String> keyLines = keygenOut.toString().lines().filter(l -> l.contains("=")).toList();
        Files.write(keyFile, keyLines);
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        publicKey = keyLines.stream().filter(l -> l.startsWith("ed25519-public-key=")).findFirst().orElseThrow()
                .substring("ed25519-public-key=".length());

        Path out = shared.resolve("out.ndjson");
        // Checkpoints every 1,000 events, interval far away so the count decides.
        HashChain chain = HashChain.open(state, "web-01", new CheckpointPolicy(1_000, 3_600_000), T0);
        try (EcsEventWriter w = new EcsEventWriter(chain, out, T0)) {
            w.write(EVENTS, 250);
            w.write(TAIL, TAIL); // a tail after the last checkpoint: unsealed
        }
        pristine = Files.readAllLines(out);
        List<Integer> cps = checkpointIndexes(pristine);
        sealed = List.copyOf(pristine.subList(0, cps.get(cps.size() - 1) + 1));
    }

    private Result verify(List<String> lines, String... args) throws IOException {
        Path f = dir.resolve("stream.ndjson");
        Files.write(f, lines);
        return verifyFile(f, args);
    }

    private Result verifyFile(Path f, String... args) {
        List<String> all = new ArrayList<>(List.of(f.toString()));
        all.addAll(List.of(args));
        return VerifyCli.verify(keyFile, all);
    }

    @Test
    void aStreamEndingAtItsLastCheckpointIsIntactAndSaysOnlyWhatThatCheckpointCovers() throws Exception {
        Result r = verify(sealed);
        assertThat(r.exit()).as(r.out()).isZero();
        long lastCheckpointSeq = seqOf(sealed.get(sealed.size() - 1));
        assertThat(r.out()).contains("RESULT: INTACT")
                .contains("sealed through seq " + (lastCheckpointSeq - 1))
                .contains("the last checkpoint, at seq " + lastCheckpointSeq + ", covers every event of this stream")
                .doesNotContain("UNSEALED")
                // A periodic checkpoint looks the same as a final one: a cut there must not read as a clean end.
                .doesNotContain("sealed to its end");
    }

    @Test
    void anUnsealedTailIsNotIntactWithAKeyAndGetsItsOwnExitStatus() throws Exception {
        Result r = verify(pristine);
        assertThat(r.exit()).as(r.out()).isEqualTo(VerifyReport.UNSEALED).isEqualTo(3);
        long lastCheckpointSeq = seqOf(pristine.get(checkpointIndexes(pristine).get(checkpointIndexes(pristine).size() - 1)));
        long last = seqOf(pristine.get(pristine.size() - 1));
        assertThat(last).isEqualTo(EVENTS + TAIL + checkpointIndexes(pristine).size());
        assertThat(r.out()).contains("sealed through seq " + (lastCheckpointSeq - 1))
                .contains("UNSEALED: seq " + (lastCheckpointSeq + 1) + ".." + last + " of stream web-01-")
                .contains("(" + TAIL + " events): not authenticated by any checkpoint")
                .contains("a file still being written, or a daemon stopped without a clean shutdown")
                .contains("RESULT: UNSEALED").doesNotContain("RESULT: INTACT").doesNotContain("TAMPERED");

        // Without the key nothing is authenticated either way: the chain's consistency is all that is claimed.
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(dir.resolve("stream.ndjson").toString(), "--no-progress");
        assertThat(rc).as(sw.toString()).isZero();
        assertThat(sw.toString()).contains("checkpoint MACs NOT checked");
    }

    @Test
    void changingOneCharacterOfAMessageIsNamed() throws Exception {
        List<String> lines = new ArrayList<>(pristine);
        int i = indexOfSeq(lines, 1234);
        lines.set(i, lines.get(i).replace("200 user=", "204 user="));
        Result r = verify(lines);
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: modified at seq 1234").contains("first: modified at seq 1234");
    }

    @Test
    void deletingOneEventIsNamed() throws Exception {
        List<String> lines = new ArrayList<>(pristine);
        lines.remove(indexOfSeq(lines, 5000));
        Result r = verify(lines);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: deleted at seq 5000: event seq 5000 is missing");
    }

    @Test
    void aForgedEventWithARecomputedHashIsNamed() throws Exception {
        List<String> lines = new ArrayList<>(pristine);
        int i = indexOfSeq(lines, 7000);
        ObjectNode forged = (ObjectNode) MAPPER.readTree(lines.get(i));
        forged.put("message", "GET /nothing-to-see 200");
        lines.add(i, rehash(forged));
        Result r = verify(lines);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("first: inserted at seq 7000").contains("appears twice with different content");
    }

    @Test
    void insertingAndRechainingEverythingAfterIsCaughtByTheNextCheckpoint() throws Exception {
        // The intruder inserts an event and renumbers and rehashes the whole rest of the chain, checkpoints included
        // (their head fields too): only the MAC, which needs a key the intruder does not have, can tell.
        List<String> lines = new ArrayList<>(pristine);
        int at = indexOfSeq(lines, 7000);
        ObjectNode forged = (ObjectNode) MAPPER.readTree(lines.get(at));
        forged.put("message", "GET /forged 200");
        lines.add(at, MAPPER.writeValueAsString(forged));
        String prev = ((ObjectNode) MAPPER.readTree(lines.get(at - 1))).at("/chain/hash").asText();
        long seq = 7000;
        long lastCheckpoint = 7007 - 1001;
        long firstCheckpointAfter = -1;
        for (int i = at; i < lines.size(); i++, seq++) {
            ObjectNode d = (ObjectNode) MAPPER.readTree(lines.get(i));
            ObjectNode chain = (ObjectNode) d.get("chain");
            chain.put("seq", seq).put("prev", prev);
            if (d.has("checkpoint")) {
                ObjectNode cp = (ObjectNode) d.get("checkpoint");
                cp.put("head_seq", seq - 1).put("head_hash", prev).put("count", seq - 1 - lastCheckpoint);
                lastCheckpoint = seq;
                firstCheckpointAfter = firstCheckpointAfter < 0 ? seq : firstCheckpointAfter;
            }
            lines.set(i, rehash(d));
            prev = d.at("/chain/hash").asText();
        }
        Result r = verify(lines);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: checkpoint invalid at seq " + firstCheckpointAfter)
                .contains("MAC that does not verify");
    }

    @Test
    void swappingTwoEventsIsNamed() throws Exception {
        List<String> lines = new ArrayList<>(pristine);
        int i = indexOfSeq(lines, 3000);
        Collections.swap(lines, i, i + 1);
        Result r = verify(lines);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: reordered at seq 3000: seq 3000 is stored after seq 3001");
    }

    @Test
    void truncatingTheTailBeforeTheLastCheckpointIsCaughtWithTheLastKnownSeq() throws Exception {
        Result intact = verify(pristine);
        Matcher m = Pattern.compile("--expect-seq (\\d+)").matcher(intact.out());
        assertThat(m.find()).as(intact.out()).isTrue();
        String sealedSeq = m.group(1);

        List<Integer> cps = checkpointIndexes(pristine);
        List<String> cut = new ArrayList<>(pristine.subList(0, cps.get(cps.size() - 3) - 5));
        long newEnd = seqOf(cut.get(cut.size() - 1));
        Result r = verify(cut, "--expect-seq", sealedSeq);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: truncated at seq " + (newEnd + 1))
                .contains("the stream ends at seq " + newEnd + " but seq " + sealedSeq + " was seen before");

        // A cut through the middle of a line (what a crude truncate(1) leaves) needs no prior knowledge.
        Path f = dir.resolve("torn.ndjson");
        String joined = String.join("\n", cut) + "\n" + pristine.get(cut.size()).substring(0, 40);
        Files.writeString(f, joined);
        Result torn = verifyFile(f);
        assertThat(torn.exit()).isEqualTo(1);
        assertThat(torn.out()).contains("TAMPERED: truncated at seq " + newEnd)
                .contains("ends without a line terminator");
    }

    @Test
    void replacingACheckpointMacIsNamed() throws Exception {
        List<String> lines = new ArrayList<>(pristine);
        int i = checkpointIndexes(lines).get(4);
        ObjectNode cp = (ObjectNode) MAPPER.readTree(lines.get(i));
        ((ObjectNode) cp.get("checkpoint")).put("mac", "ab".repeat(32));
        lines.set(i, rehash(cp));
        Result r = verify(lines);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: checkpoint invalid at seq " + seqOf(lines.get(i)));
        // Reported once: the checkpoints after it still verify on their own and still seal what precedes them.
        assertThat(r.out().split("TAMPERED: checkpoint invalid", -1)).hasSize(2);
        long lastCheckpointSeq = seqOf(lines.get(checkpointIndexes(lines).get(checkpointIndexes(lines).size() - 1)));
        assertThat(r.out()).contains("sealed through seq " + (lastCheckpointSeq - 1)).doesNotContain("NOT SEALED")
                .doesNotContain("no checkpoint MAC verifies with this key");
    }

    @Test
    void keygensWholeOutputIsAKeyFile() throws Exception {
        StringWriter out = new StringWriter();
        Path state = dir.resolve("state");
        assertThat(new CommandLine(new KeygenCommand()).setOut(new PrintWriter(out))
                .execute("--state-dir", state.toString())).isZero();
        Path whole = dir.resolve("keygen-output.txt");
        Files.writeString(whole, out.toString());
        String k0 = out.toString().lines().filter(l -> l.startsWith("verification-key=")).findFirst().orElseThrow()
                .substring("verification-key=".length());
        assertThat(HexFormatKey.of(VerificationKeyFile.read(whole).k0())).isEqualTo(k0);
        // a bare key cut short is still an error, not silently skipped
        Path cut = dir.resolve("cut.key");
        Files.writeString(cut, k0.substring(1) + "\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VerificationKeyFile.read(cut))
                .hasMessageContaining("64 hex digits");
    }

    /** Lower-case hex of a key, as keygen prints it. */
    private static final class HexFormatKey {
        static String of(byte[] k) {
            StringBuilder b = new StringBuilder();
            for (byte x : k) {
                b.append(String.format("%02x", x));
            }
            return b.toString();
        }
    }

    @Test
    void aStreamNameThatMatchesNothingIsAUsageError() throws Exception {
        Result r = verify(pristine, "--stream", "web-01-typo");
        assertThat(r.exit()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("no event of stream 'web-01-typo'").doesNotContain("TAMPERED");
    }

    @Test
    void duplicatesFromAtLeastOnceDeliveryAreReportedNotTampering() throws Exception {
        List<String> lines = new ArrayList<>(pristine);
        int i = indexOfSeq(lines, 4321);
        lines.add(i + 1, lines.get(i));                          // adjacent duplicate
        lines.addAll(indexOfSeq(lines, 9000), pristine.subList(indexOfSeq(pristine, 8800), indexOfSeq(pristine, 8810)));
        lines.subList(lines.size() - TAIL, lines.size()).clear(); // end at the last checkpoint: all of it sealed
        Result r = verify(lines);
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("note: duplicate at seq 4321").contains("11 duplicate deliveries")
                .contains("RESULT: INTACT");
    }

    @Test
    void aStoreThatReordersKeysAndEventsVerifiesWithUnordered() throws Exception {
        // What Elasticsearch's _source or a SIEM export hands back: keys in another order, whitespace, any order.
        List<String> lines = new ArrayList<>();
        for (String l : pristine.subList(0, 3003)) { // through the checkpoint at seq 3003
            ObjectNode d = (ObjectNode) MAPPER.readTree(l);
            ObjectNode reversed = MAPPER.createObjectNode();
            List<String> names = new ArrayList<>();
            d.fieldNames().forEachRemaining(names::add);
            Collections.reverse(names);
            names.forEach(n -> reversed.set(n, d.get(n)));
            lines.add(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(reversed).replace("\n", " "));
        }
        Collections.shuffle(lines.subList(0, 1500), new Random(7));
        Collections.shuffle(lines.subList(1500, 3003), new Random(8));
        assertThat(verify(lines).exit()).as("strict order by default").isEqualTo(1);
        Result r = verify(lines, "--unordered");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("3,003 events").contains("sealed through seq 3002");
    }

    @Test
    void signaturesAreCheckedWithThePublicKey() throws Exception {
        Result ok = verify(sealed, "--public-key", publicKey);
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("Ed25519 signatures valid");
        String other = SealingKey.generate(true).publicKeyHex().orElseThrow();
        Result wrong = verify(sealed, "--public-key", other);
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).contains("no checkpoint Ed25519 signature verifies with this public key: wrong public key?")
                .contains("RESULT: NOT VERIFIED (no checkpoint Ed25519 signature verifies with this public key");
        // One forged signature among good ones is a finding of its own.
        List<String> lines = new ArrayList<>(sealed);
        int i = checkpointIndexes(lines).get(3);
        ObjectNode cp = (ObjectNode) MAPPER.readTree(lines.get(i));
        ((ObjectNode) cp.get("checkpoint")).put("sig", "cd".repeat(64));
        lines.set(i, rehash(cp));
        Result one = verify(lines, "--public-key", publicKey);
        assertThat(one.exit()).isEqualTo(1);
        assertThat(one.out()).contains("TAMPERED: checkpoint invalid at seq " + seqOf(lines.get(i))
                + ": checkpoint at seq " + seqOf(lines.get(i)) + " has a missing or invalid Ed25519 signature");
    }

    @Test
    void theWrongVerificationKeyIsTheHeadlineNotOneTamperedLinePerCheckpoint() throws Exception {
        Path f = dir.resolve("stream.ndjson");
        Files.write(f, sealed);
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(f.toString(), "--key", "11".repeat(32), "--no-progress");
        String out = sw.toString();
        assertThat(rc).as(out).isEqualTo(1);
        List<String> lines = out.lines().toList();
        assertThat(lines.get(1)).as(out).startsWith("no checkpoint MAC verifies with this key: wrong key?");
        assertThat(out).doesNotContain("TAMPERED: checkpoint invalid")
                .contains("10 checkpoint MAC(s) do not verify with this key (seq 1001, 2002, 3003, 4004, 5005, ...)")
                .contains("RESULT: NOT VERIFIED (no checkpoint MAC verifies with this key: wrong key?)");
    }

    @Test
    void aFileThatIsNotARedactdStreamGetsOneSummaryLine() throws Exception {
        List<String> raw = new ArrayList<>();
        for (int i = 0; i < 830; i++) {
            raw.add("2026-12-07T19:00:00Z app[" + i + "]: GET /patients/search 200");
        }
        Result r = verify(raw);
        assertThat(r.exit()).as(r.out()).isEqualTo(VerifyReport.NO_EVENTS).isEqualTo(4);
        assertThat(r.out()).contains("830 lines are not redactd events (first: line 1, line 2, line 3, line 4, line 5, ...)")
                .contains("RESULT: NO EVENTS (not a redactd stream")
                .doesNotContain("cannot be verified").doesNotContain("TAMPERED").doesNotContain("GET /patients");
        assertThat(r.out().lines().count()).as(r.out()).isLessThan(6);
    }

    @Test
    void manyBadLinesAmongEventsAreCapped() throws Exception {
        List<String> lines = new ArrayList<>(sealed);
        for (int i = 0; i < 50; i++) {
            lines.add(indexOfSeq(lines, 600), "not an event " + i);
        }
        Result r = verify(lines);
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out().split("TAMPERED: malformed", -1)).hasSize(StreamState.MAX_ISSUES + 1);
        assertThat(r.out()).contains("... 30 more lines that cannot be verified not listed");
    }

    @Test
    void anEmptyFileHasNoEventsRatherThanABareTampered() throws Exception {
        Result r = verify(List.of());
        assertThat(r.exit()).as(r.out()).isEqualTo(VerifyReport.NO_EVENTS);
        assertThat(r.out()).contains("no events: the input is empty").contains("RESULT: NO EVENTS (empty input)")
                .doesNotContain("TAMPERED");
    }

    @Test
    void aKeyFileOthersCanReadIsWarnedAboutNotRefused() throws Exception {
        Path loose = dir.resolve("loose.key");
        Files.copy(keyFile, loose);
        Files.setPosixFilePermissions(loose, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path f = dir.resolve("stream.ndjson");
        Files.write(f, sealed);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(f.toString(), "--key-file", loose.toString(), "--no-progress");
        assertThat(rc).as(out.toString()).isZero();
        assertThat(err.toString()).contains("warning: the key file " + loose + " is readable by other users (rw-r--r--)")
                .contains("chmod 600 " + loose);
        StringWriter quiet = new StringWriter();
        new CommandLine(new VerifyCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(quiet))
                .execute(f.toString(), "--key-file", keyFile.toString(), "--no-progress");
        assertThat(quiet.toString()).as("keygen's 0600 file").doesNotContain("readable by other users");
    }

    @Test
    void aLineThatIsNotJsonIsNamedByItsPosition() throws Exception {
        List<String> lines = new ArrayList<>(pristine);
        lines.add(indexOfSeq(lines, 600), "{\"message\": not json}");
        Result r = verify(lines);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("malformed at seq 599").contains("line 600 cannot be verified");
        assertThat(r.out()).doesNotContain("not json");
    }

    @Test
    void usageAndIoErrorsExitTwo() {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw));
        assertThat(cl.execute()).isEqualTo(2);
        assertThat(cl.execute(dir.resolve("absent.ndjson").toString())).isEqualTo(2);
        assertThat(sw.toString()).contains("no such file");
        assertThat(cl.execute("x.ndjson", "--es", "http://localhost:9", "--index", "i")).isEqualTo(2);
        assertThat(cl.execute("x.ndjson", "--key", "zz")).isEqualTo(2);
        assertThat(cl.execute("-", "x.ndjson")).as("stdin with files").isEqualTo(2);
        assertThat(cl.execute("--es", "http://127.0.0.1:9", "--index", "logs")).as("connection refused").isEqualTo(2);
    }
}
