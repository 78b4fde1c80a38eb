package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redactd.daemon.integrity.VerifyCli.Result;
import io.redactd.outputs.delivery.DeadLetterFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * D4: events an output dead-lettered are not in the store. The stream is written by the real chain; the events an
 * "es" and a "hec" output rejected are written by the real {@link DeadLetterFile}, the rest to the output file.
 */
class DeadLetterVerifyTest {
    private static final long T0 = 1_795_000_000_000L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A run in the middle (a mapping conflict), two single events (HEC code 6), and the tail after the last kept. */
    private static final Set<Long> ES_REJECTED = Set.of(57L, 58L, 59L, 60L, 61L, 62L, 63L, 64L, 65L, 66L, 67L, 68L);
    private static final Set<Long> HEC_REJECTED = Set.of(101L, 150L);

    @TempDir
    static Path dir;
    private static Path key;
    private static Path stored;
    private static Path esDl;
    private static Path hecDl;
    private static long lastSeq;

    @BeforeAll
    static void writeStreamAndDeadLetters() throws Exception {
        Path state = dir.resolve("state");
        key = VerifyCli.auditorKey(state, dir.resolve("auditor.key"));

        HashChain chain = HashChain.open(state, "web-01", new CheckpointPolicy(40, 3_600_000), T0);
        List<byte[]> all = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            for (byte[] c; (c = chain.pollControlEvent(T0)) != null; ) {
                all.add(c);
            }
            for (int i = 0; i < 10; i++) {
                all.add(chain.append(("{\"@timestamp\":\"2026-11-18T11:06:40.000Z\",\"log\":{\"offset\":"
                        + (batch * 10 + i) * 40_000 + "},\"message\":\"GET /orders/" + (batch * 10 + i)
                        + " 200 [REDACTED:SSN]\"}").getBytes(StandardCharsets.UTF_8)));
            }
            chain.commit();
        }
        byte[] last = chain.finalCheckpoint(T0);
        if (last != null) { // null when the last batch ended on a periodic checkpoint
            all.add(last);
        }
        chain.commit();
        lastSeq = chain.lastSeq();

        List<DeadLetterFile.Entry> es = new ArrayList<>();
        List<DeadLetterFile.Entry> hec = new ArrayList<>();
        StringBuilder kept = new StringBuilder();
        for (byte[] doc : all) {
            long seq = Tampering.seqOf(new String(doc, StandardCharsets.UTF_8));
            if (ES_REJECTED.contains(seq)) {
                es.add(new DeadLetterFile.Entry(doc, 400, "mapper_parsing_exception",
                        "failed to parse field [log.offset] of type [short]", 1));
            } else if (HEC_REJECTED.contains(seq)) {
                hec.add(new DeadLetterFile.Entry(doc, 400, "invalid-event-number", "HEC code 6", 1));
            } else {
                kept.append(new String(doc, StandardCharsets.UTF_8)).append('\n');
            }
        }
        stored = dir.resolve("redacted.ndjson");
        Files.writeString(stored, kept);
        esDl = dir.resolve("es-dl.ndjson");
        // Two writes, as two failed batches make: the file is appended to.
        new DeadLetterFile(esDl, "es").write(es.subList(0, 5));
        new DeadLetterFile(esDl, "es").write(es.subList(5, es.size()));
        hecDl = dir.resolve("hec-dl.ndjson");
        new DeadLetterFile(hecDl, "hec").write(hec);
    }

    private static Result verify(String... args) {
        return VerifyCli.verify(key, List.of(args));
    }

    @Test
    void withTheDeadLetterFilesTheChainIsIntactAndTheRejectedEventsAreANote() {
        Result r = verify(stored.toString(), "--dead-letter", esDl.toString(), "--dead-letter", hecDl.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("seq 1.." + lastSeq)
                .contains("note: 14 event(s) found only in dead-letter files (rejected by an output, so not in the "
                        + "store")
                .contains("seq 57 (es: HTTP 400 mapper_parsing_exception), seq 58 (es: HTTP 400 "
                        + "mapper_parsing_exception)")
                .contains("sealed through seq " + (lastSeq - 1))
                .contains("RESULT: INTACT")
                .doesNotContain("TAMPERED").doesNotContain("deleted").doesNotContain("reordered");
    }

    @Test
    void theFirstFewAreListedWithTheirOutputStatusAndErrorType() {
        Result r = verify(stored.toString(), "--dead-letter", esDl.toString(), "--dead-letter", hecDl.toString());
        assertThat(r.out()).contains("seq 61 (es: HTTP 400 mapper_parsing_exception), ...");
        Result hecOnly = verify(stored.toString(), "--dead-letter", hecDl.toString());
        assertThat(hecOnly.out()).contains("note: 2 event(s) found only in dead-letter files")
                .contains("seq 101 (hec: HTTP 400 invalid-event-number), seq 150 (hec: HTTP 400 "
                        + "invalid-event-number)\n");
    }

    @Test
    void withoutTheFlagTheGapsAreDeletionsAndTheMessageNamesTheFlag() {
        Result r = verify(stored.toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: deleted at seq 57: events seq 57..68 are missing (12) (deleted; if "
                        + "an output dead-lettered them, verify with --dead-letter and its dead_letter_path)")
                .contains("TAMPERED: deleted at seq 101: event seq 101 is missing")
                .contains("RESULT: TAMPERED (first: deleted at seq 57)");
    }

    @Test
    void onlyOneOfTheDeadLetterFilesLeavesTheOtherOutputsGapsReported() {
        Result r = verify(stored.toString(), "--dead-letter", esDl.toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: deleted at seq 101: event seq 101 is missing (deleted; not in the "
                + "dead-letter files given either)").doesNotContain("deleted at seq 57");
    }

    @Test
    void anAlteredDeadLetteredDocumentIsTampering() throws Exception {
        List<String> lines = Files.readAllLines(esDl);
        List<String> altered = new ArrayList<>();
        long victim = -1;
        for (String line : lines) {
            ObjectNode entry = (ObjectNode) MAPPER.readTree(line);
            ObjectNode doc = (ObjectNode) MAPPER.readTree(entry.get("document").asText());
            if (victim < 0) {
                victim = doc.at("/chain/seq").asLong();
                doc.put("message", doc.get("message").asText().replace(" 200 ", " 500 "));
                entry.put("document", MAPPER.writeValueAsString(doc));
            }
            altered.add(MAPPER.writeValueAsString(entry));
        }
        Path alteredDl = dir.resolve("es-dl-altered.ndjson");
        Files.write(alteredDl, altered);
        Result r = verify(stored.toString(), "--dead-letter", alteredDl.toString(), "--dead-letter",
                hecDl.toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: modified at seq " + victim + ": content of seq " + victim
                        + " does not match its chain.hash (the event was altered) (the copy in " + alteredDl
                        + " line 1)")
                .contains("RESULT: TAMPERED (first: modified at seq " + victim + ")")
                .doesNotContain("deleted");
    }

    @Test
    void aDeadLetteredCopyOfAStoredEventIsADuplicate() throws Exception {
        // HEC code 6 resends: an event can be both indexed and dead-lettered.
        Path both = dir.resolve("both-dl.ndjson");
        String firstStored = Files.readAllLines(stored).get(3);
        new DeadLetterFile(both, "hec").write(List.of(new DeadLetterFile.Entry(
                firstStored.getBytes(StandardCharsets.UTF_8), 400, "invalid-event-number", "HEC code 6", 2)));
        Result r = verify(stored.toString(), "--dead-letter", esDl.toString(), "--dead-letter", hecDl.toString(),
                "--dead-letter", both.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("1 duplicate deliveries").contains("note: 14 event(s) found only in "
                + "dead-letter files");
    }

    @Test
    void aLineThatIsNotADeadLetterEntryIsReportedNotSkipped() throws Exception {
        Path bad = dir.resolve("bad-dl.ndjson");
        Files.writeString(bad, "not json at all\n");
        Result r = verify(stored.toString(), "--dead-letter", esDl.toString(), "--dead-letter", hecDl.toString(),
                "--dead-letter", bad.toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains(bad + " line 1 cannot be verified").doesNotContain("not json at all");
    }

    @Test
    void aMissingDeadLetterFileIsAnIoError() {
        Result r = verify(stored.toString(), "--dead-letter", dir.resolve("nope.ndjson").toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("no such file: " + dir.resolve("nope.ndjson"));
    }
    /** N1: a store holding seq 30 through a checkpoint between 101 and 150 (what --retained accepts), as a list. */
    private static List<String> middlePart() throws Exception {
        List<String> lines = Files.readAllLines(stored);
        int end = Tampering.checkpointIndexes(lines).stream()
                .filter(i -> Tampering.seqOf(lines.get(i)) > 101 && Tampering.seqOf(lines.get(i)) < 150)
                .findFirst().orElseThrow();
        return lines.subList(Tampering.indexOfSeq(lines, 30), end + 1);
    }

    /** The cumulative dead-letter file of the "hec" output: entries before (10, 11), inside (101), after (150, 180). */
    private static Path cumulativeDeadLetters(String name, long alterSeq) throws Exception {
        List<String> lines = Files.readAllLines(stored);
        List<String> docs = new ArrayList<>();
        for (long seq : new long[] {10, 11}) {
            docs.add(lines.get(Tampering.indexOfSeq(lines, seq)));
        }
        for (String line : Files.readAllLines(hecDl)) {
            docs.add(MAPPER.readTree(line).get("document").asText());
        }
        docs.add(lines.get(Tampering.indexOfSeq(lines, 180)));
        List<DeadLetterFile.Entry> entries = new ArrayList<>();
        for (String doc : docs) {
            if (Tampering.seqOf(doc) == alterSeq) {
                doc = doc.replace(" 200 ", " 500 ");
            }
            entries.add(new DeadLetterFile.Entry(doc.getBytes(StandardCharsets.UTF_8), 400, "invalid-event-number",
                    "HEC code 6", 1));
        }
        Path f = dir.resolve(name);
        new DeadLetterFile(f, "hec").write(entries);
        return f;
    }

    @Test
    void entriesOutsideThePartTheStoreHoldsAreANoteNotADeletion() throws Exception {
        List<String> part = middlePart();
        long last = Tampering.seqOf(part.get(part.size() - 1));
        Path store = dir.resolve("retained.ndjson");
        Files.write(store, part);
        Path dl = cumulativeDeadLetters("hec-cumulative.ndjson", -1);
        Result r = verify(store.toString(), "--retained", "--dead-letter", esDl.toString(), "--dead-letter",
                dl.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("seq 30.." + last)
                .contains("note: 13 event(s) found only in dead-letter files")
                .contains("note: 4 dead-letter entries outside the input's range of this stream (seq 30.." + last
                        + ") ignored (not verified): 2 before, 2 after")
                .contains("RESULT: INTACT")
                .doesNotContain("TAMPERED").doesNotContain("deleted").doesNotContain("checkpoint invalid");
        // Without --retained the store still begins late, but no dead-letter entry is pulled in before it.
        Result plain = verify(store.toString(), "--dead-letter", esDl.toString(), "--dead-letter", dl.toString());
        assertThat(plain.out()).contains("deleted at seq 1: events seq 1..29 are missing")
                .doesNotContain("deleted at seq 12").contains("2 before, 2 after");
        // An altered copy outside the range is no evidence about this store: not verified.
        Path alteredOutside = cumulativeDeadLetters("hec-cumulative-altered10.ndjson", 10);
        Result outside = verify(store.toString(), "--retained", "--dead-letter", esDl.toString(), "--dead-letter",
                alteredOutside.toString());
        assertThat(outside.exit()).as(outside.out()).isZero();
    }

    @Test
    void anAlteredEntryInsideThePartTheStoreHoldsIsStillTampering() throws Exception {
        Path store = dir.resolve("retained-2.ndjson");
        Files.write(store, middlePart());
        Path dl = cumulativeDeadLetters("hec-cumulative-altered101.ndjson", 101);
        Result r = verify(store.toString(), "--retained", "--dead-letter", esDl.toString(), "--dead-letter",
                dl.toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: modified at seq 101: content of seq 101 does not match its "
                        + "chain.hash (the event was altered) (the copy in " + dl + " line 3)")
                .contains("2 before, 2 after").doesNotContain("deleted");
    }

    @Test
    void entriesOfAStreamNotInTheStoreAreIgnoredWithANote() throws Exception {
        HashChain other = HashChain.open(dir.resolve("state-other"), "db-02", new CheckpointPolicy(40, 3_600_000), T0);
        List<DeadLetterFile.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add(new DeadLetterFile.Entry(other.append(("{\"message\":\"other " + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8)), 400, "mapper_parsing_exception", "x", 1));
        }
        other.commit();
        Path dl = dir.resolve("es-dl-other-stream.ndjson");
        new DeadLetterFile(dl, "es").write(entries);
        Result r = verify(stored.toString(), "--dead-letter", esDl.toString(), "--dead-letter", hecDl.toString(),
                "--dead-letter", dl.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("read " + (Files.readAllLines(stored).size() + 14) + " events in 1 stream(s)")
                .contains("note: 3 dead-letter entries of 1 stream(s) not in the input ignored (not verified)")
                .doesNotContain("db-02").doesNotContain("deleted").contains("RESULT: INTACT");
    }
}
