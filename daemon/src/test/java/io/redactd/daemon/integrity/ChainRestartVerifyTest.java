package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Restarts seen from the auditor's side: continuity after a clean restart, a visible break after a lost head. */
class ChainRestartVerifyTest {
    private static final long T0 = 1_795_000_000_000L;
    private static final CheckpointPolicy POLICY = new CheckpointPolicy(100, 3_600_000);

    @TempDir
    Path dir;

    private String verify(Path file, Path keyFile, int expectedExit) {
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(file.toString(), "--key-file", keyFile.toString(), "--no-progress");
        assertThat(rc).as(sw.toString()).isEqualTo(expectedExit);
        return sw.toString();
    }

    private Path keygen(Path state) throws Exception {
        StringWriter out = new StringWriter();
        assertThat(new CommandLine(new KeygenCommand()).setOut(new PrintWriter(out))
                .execute("--state-dir", state.toString())).isZero();
        Path key = dir.resolve("auditor.key");
        Files.write(key, out.toString().lines().filter(l -> l.startsWith("verification-key=")).toList());
        return key;
    }

    @Test
    void cleanRestartsContinueOneSealedStream() throws Exception {
        Path state = dir.resolve("state");
        Path key = keygen(state);
        Path out = dir.resolve("out.ndjson");
        for (int run = 0; run < 3; run++) {
            HashChain chain = HashChain.open(state, "web-01", POLICY, T0 + run * 10_000L);
            try (EcsEventWriter w = new EcsEventWriter(chain, out, T0 + run * 10_000L)) {
                w.write(250, 50);
                w.seal(); // clean shutdown: the tail is sealed
            }
        }
        String report = verify(out, key, 0);
        assertThat(report).contains("1 stream(s)").doesNotContain("restart").doesNotContain("UNSEALED")
                .contains("RESULT: INTACT");
        assertThat(SealingKey.load(state).orElseThrow().index()).as("one key per checkpoint").isEqualTo(9);
    }

    @Test
    void aLostHeadShowsAsARestartAndTheCrashedTailAsUnsealedNamedByTheRestart() throws Exception {
        Path state = dir.resolve("state");
        Path key = keygen(state);
        Path out = dir.resolve("out.ndjson");
        HashChain first = HashChain.open(state, "web-01", POLICY, T0);
        try (EcsEventWriter w = new EcsEventWriter(first, out, T0)) {
            w.write(250, 50); // no clean stop: the events after the last checkpoint stay unsealed
        }
        long crashedTail = first.lastSeq() - lastCheckpointSeq(out, first.stream());
        assertThat(crashedTail).isPositive().isLessThan(POLICY.everyEvents());
        Files.delete(state.resolve("integrity/chain-head.json")); // the crash that lost the head
        HashChain second = HashChain.open(state, "web-01", POLICY, T0 + 60_000);
        try (EcsEventWriter w = new EcsEventWriter(second, out, T0 + 60_000)) {
            w.write(250, 50);
            w.seal();
        }
        String report = verify(out, key, VerifyReport.UNSEALED);
        assertThat(report).contains("2 stream(s)")
                .contains("note: restart at seq 1: the stream says the daemon lost its chain head (head_missing) and "
                        + "began it after stream " + first.stream())
                .contains("stream " + second.stream() + ": seq 1..")
                .contains("UNSEALED: seq " + (first.lastSeq() - crashedTail + 1) + ".." + first.lastSeq() + " of stream "
                        + first.stream() + " (" + crashedTail + " events)")
                .contains("stream " + second.stream() + " says it restarted after this one (head_missing)")
                .contains("that restart event is sealed by a checkpoint of stream " + second.stream() + " that verifies")
                .contains("RESULT: UNSEALED (the chain is intact, but " + crashedTail + " event(s)")
                .doesNotContain("TAMPERED");
    }

    /** A real stream sealed by a clean stop, and the auditor's key. */
    private record Sealed(Path file, Path key, HashChain chain) {
    }

    private Sealed sealedStream() throws Exception {
        Path state = dir.resolve("state");
        Path key = keygen(state);
        Path out = dir.resolve("out.ndjson");
        HashChain chain = HashChain.open(state, "web-01", POLICY, T0);
        try (EcsEventWriter w = new EcsEventWriter(chain, out, T0)) {
            w.write(1000, 50);
            w.seal();
        }
        return new Sealed(out, key, chain);
    }

    @Test
    void aForgedRestartStreamWithoutOneValidCheckpointIsNotIntact() throws Exception {
        Sealed real = sealedStream();
        List<String> lines = new ArrayList<>(Files.readAllLines(real.file()));
        String forged = "web-01-20261207T191500.000Z";
        lines.addAll(Tampering.forgedRestartStream(real.chain().stream(), forged, lines.get(5), 4));
        Path f = dir.resolve("forged_stream.ndjson");
        Files.write(f, lines);

        String report = verify(f, real.key(), VerifyReport.UNSEALED);
        assertThat(report).doesNotContain("RESULT: INTACT")
                .contains("note: restart at seq 1: the stream says the daemon lost its chain head")
                .doesNotContain("the daemon lost its chain head (head_missing) and began this stream")
                .contains("UNSEALED: seq 1..5 of stream " + forged + " (5 events): not authenticated by any checkpoint; "
                        + "that includes its restart event, so its claim is unproven")
                .contains("stream " + forged + " says it restarted after this one; that restart event is itself NOT "
                        + "authenticated");
    }

    @Test
    void aStreamCutBackToAPeriodicCheckpointPlusAForgedRestartIsNotIntact() throws Exception {
        Sealed real = sealedStream();
        List<String> all = Files.readAllLines(real.file());
        List<Integer> cps = Tampering.checkpointIndexes(all);
        List<String> lines = new ArrayList<>(all.subList(0, cps.get(cps.size() - 3) + 1));
        long cutAt = Tampering.seqOf(lines.get(lines.size() - 1));
        lines.addAll(Tampering.forgedRestartStream(real.chain().stream(), "web-01-20261207T191500.000Z",
                lines.get(5), 4));
        Path f = dir.resolve("trunc_plus_forged.ndjson");
        Files.write(f, lines);

        String report = verify(f, real.key(), VerifyReport.UNSEALED);
        assertThat(report).doesNotContain("RESULT: INTACT").doesNotContain("sealed to its end")
                .contains("the last checkpoint, at seq " + cutAt + ", covers every event of this stream in the input "
                        + "(a clean stop ends so; so would a cut at a checkpoint")
                .contains("UNSEALED: seq 1..5 of stream web-01-20261207T191500.000Z");
    }

    private static long lastCheckpointSeq(Path file, String stream) throws Exception {
        List<String> lines = Files.readAllLines(file);
        List<Integer> cps = Tampering.checkpointIndexes(lines);
        String last = lines.get(cps.get(cps.size() - 1));
        assertThat(last).contains(stream);
        return Tampering.seqOf(last);
    }
}
