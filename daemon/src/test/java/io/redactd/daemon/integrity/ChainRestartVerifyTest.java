package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void aLostHeadShowsAsARestartInTheVerifiedStream() throws Exception {
        Path state = dir.resolve("state");
        Path key = keygen(state);
        Path out = dir.resolve("out.ndjson");
        HashChain first = HashChain.open(state, "web-01", POLICY, T0);
        try (EcsEventWriter w = new EcsEventWriter(first, out, T0)) {
            w.write(250, 50);
        }
        Files.delete(state.resolve("integrity/chain-head.json")); // the crash that lost the head
        HashChain second = HashChain.open(state, "web-01", POLICY, T0 + 60_000);
        try (EcsEventWriter w = new EcsEventWriter(second, out, T0 + 60_000)) {
            w.write(250, 50);
        }
        String report = verify(out, key, 0);
        assertThat(report).contains("2 stream(s)")
                .contains("note: restart at seq 1: the daemon lost its chain head (head_missing) and began this "
                        + "stream after stream " + first.stream())
                .contains("stream " + second.stream() + ": seq 1..");
    }
}
