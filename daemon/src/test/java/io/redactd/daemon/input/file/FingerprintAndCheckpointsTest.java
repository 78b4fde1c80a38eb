package io.redactd.daemon.input.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FingerprintAndCheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void aShortFileIsFingerprintedOverWhatItHasAndStillMatchesWhenItGrows() throws IOException {
        Path p = dir.resolve("a.log");
        Files.writeString(p, "short\n");
        Fingerprint fp;
        try (Tailer t = Tailer.open(p, 1000)) {
            fp = t.fingerprint();
            assertThat(fp.headLen()).isEqualTo(6);
            assertThat(fp.key()).isEqualTo(Files.getAttribute(p, "unix:dev") + ":" + Files.getAttribute(p, "unix:ino"));
        }
        Files.writeString(p, "x".repeat(1000), StandardOpenOption.APPEND);
        try (FileChannel ch = FileChannel.open(p)) {
            assertThat(fp.headMatches(ch)).isTrue();
            Fingerprint full = Fingerprint.of(fp.dev(), fp.ino(), ch);
            assertThat(full.headLen()).isEqualTo(Fingerprint.HEAD_BYTES);
            assertThat(full.headHash()).isNotEqualTo(fp.headHash());
        }
        Files.writeString(p, "SHORT\n" + "x".repeat(1000));
        try (FileChannel ch = FileChannel.open(p)) {
            assertThat(fp.headMatches(ch)).as("same length, other bytes").isFalse();
        }
        Files.writeString(p, "sho");
        try (FileChannel ch = FileChannel.open(p)) {
            assertThat(fp.headMatches(ch)).as("shorter than the fingerprinted head").isFalse();
        }
    }

    @Test
    void checkpointsRoundTripAndLeaveNoTemporaryFile() throws IOException {
        Checkpoints cp = new Checkpoints(dir, "my input/1");
        assertThat(cp.load()).isEmpty();
        Checkpoints.Entry a = new Checkpoints.Entry(2049, 77, 256, -123456789L, "/var/log/a.log", 4096, false, 1000);
        Checkpoints.Entry b = new Checkpoints.Entry(2049, 78, 12, 42L, "/var/log/b.log", 12, true, 2000);
        cp.write(List.of(a, b));
        assertThat(cp.file().getFileName().toString()).isEqualTo("file-my_input_1.json");
        Map<String, Checkpoints.Entry> loaded = new Checkpoints(dir, "my input/1").load();
        assertThat(loaded).containsEntry("2049:77", a).containsEntry("2049:78", b);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("file-my_input_1.json");
        }
        cp.write(List.of(b));
        assertThat(cp.load()).containsOnlyKeys("2049:78");
    }

    @Test
    void theBoundsOfWhatTheStateDescribesRoundTripAndAreAbsentFromAnOlderState() throws IOException {
        Checkpoints cp = new Checkpoints(dir, "x");
        Checkpoints.Entry a = new Checkpoints.Entry(2049, 77, 256, 5L, "/var/log/a.log", 10, false, 1000);
        cp.write(List.of(a), new Checkpoints.Header(1_700_000_000_000L, 1_700_000_050_000L));
        Checkpoints again = new Checkpoints(dir, "x");
        assertThat(again.load()).containsOnlyKeys("2049:77");
        assertThat(again.header()).isEqualTo(new Checkpoints.Header(1_700_000_000_000L, 1_700_000_050_000L));

        Files.writeString(cp.file(), "{\"version\":1,\"files\":[]}", StandardCharsets.UTF_8);
        Checkpoints older = new Checkpoints(dir, "x");
        assertThat(older.load()).isEmpty();
        assertThat(older.header()).isEqualTo(Checkpoints.Header.NONE);
    }

    @Test
    void aCorruptCheckpointIsMovedAsideAndTreatedAsAFirstRun() throws IOException {
        Checkpoints cp = new Checkpoints(dir, "x");
        Files.writeString(cp.file(), "{\"version\":1,\"files\":[{\"dev\":", StandardCharsets.UTF_8);
        assertThat(cp.load()).isEmpty();
        assertThat(cp.file()).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString()
                    .startsWith("file-x.json.corrupt-");
        }
    }
}
