package io.redactd.outputs.buffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Appends in a separate JVM, kills it with SIGKILL (no close, no final fsync), then replays in this one. */
class BufferCrashTest {
    @TempDir
    Path dir;

    @Test
    void everythingAcknowledgedBeforeSigkillReplays() throws Exception {
        int count = 20_000;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                BufferWriterProcess.class.getName(), dir.toString(), Integer.toString(count))
                .redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean acknowledged = false;
            while ((line = lines.readLine()) != null) {
                if (line.equals("ACKNOWLEDGED " + count)) {
                    acknowledged = true;
                    break;
                }
            }
            assertThat(acknowledged).as("child acknowledged all appends").isTrue();
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        try (DiskBuffer buffer = DiskBuffer.open(new DiskBufferConfig(dir.toString(), 64L << 20, 1L << 20, "interval", 1000L),
                List.of("out"))) {
            assertThat(buffer.tornTailsTruncated()).isZero();
            List<String> replayed = DiskBufferTest.readAll(buffer.cursor("out"));
            assertThat(replayed).hasSize(count);
            for (int i = 0; i < count; i += 997) {
                assertThat(replayed.get(i)).contains("\"seq\":" + i + ",");
            }
        }
    }
}
