package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** An intact stream of 1,000,000 events verifies from a file, streamed in bounded memory. */
class MillionEventsVerifyTest {
    @TempDir
    Path dir;

    @Test
    void aMillionEventStreamVerifies() throws Exception {
        Path state = dir.resolve("state");
        StringWriter keygen = new StringWriter();
        new CommandLine(new KeygenCommand()).setOut(new PrintWriter(keygen)).execute("--state-dir", state.toString());
        Path key = dir.resolve("auditor.key");
        Files.write(key, keygen.toString().lines().filter(l -> l.startsWith("verification-key=")).toList());

        Path out = dir.resolve("out.ndjson");
        long t0 = 1_795_000_000_000L;
        try (EcsEventWriter w = new EcsEventWriter(HashChain.open(state, "web-01", CheckpointPolicy.DEFAULT, t0), out,
                t0)) {
            w.write(1_000_000, 2_000);
            w.seal();
        }
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(out.toString(), "--key-file", key.toString(), "--no-progress");
        assertThat(rc).as(sw.toString()).isZero();
        // Events are 1 ms apart and control events are polled between batches of 2,000 (as the pipeline does), so
        // the 1,000 ms interval cuts a checkpoint after every batch: 500, the last one ending the stream.
        assertThat(sw.toString()).contains("1,000,500 events, 500 checkpoints")
                .contains("sealed through seq 1000499").doesNotContain("UNSEALED").contains("RESULT: INTACT");
    }
}
