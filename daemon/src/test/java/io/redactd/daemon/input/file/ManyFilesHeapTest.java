package io.redactd.daemon.input.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of tailed files in a small heap. Every open file used to hold a 64 KiB read buffer for its whole life, so
 * ~7,000 files ran a 512 MiB daemon out of memory (a crash loop on a node with many pod logs); here 4,000 files
 * (250 MiB of such buffers) must be tailed to the end in a 64 MiB heap, at under 2 KiB of heap per idle file beyond
 * the JDK's own objects for an open file (measured in the same process: ~300 bytes).
 */
class ManyFilesHeapTest {

    @TempDir
    Path dir;

    @Test
    void fourThousandFilesAreTailedInA64MiBHeapAtUnder2KiBEachBeyondTheJdksOwn() throws Exception {
        // Leave room for the rest of the JVM on a host with a low descriptor limit (the budget would hold files back).
        int files = Math.min(4000, (FdBudget.process().max() - 64) / 2); // the probe opens each file twice
        assertThat(files).as("descriptor budget of this host").isGreaterThan(1500);
        for (int i = 0; i < files; i++) {
            Path d = dir.resolve("in/d" + i / 100);
            Files.createDirectories(d);
            Files.writeString(d.resolve("f" + i + ".log"), ("line of file " + i + "\n").repeat(3),
                    StandardCharsets.US_ASCII);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ManyFilesProbe.class.getName(),
                dir + "/in/**/*.log", dir.resolve("state").toString(), Integer.toString(files),
                Integer.toString(files * 3), dir.resolve("in").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("probe output: %s", out.lines().limit(20).toList()).isZero();
        String ok = out.lines().filter(l -> l.startsWith("OK ")).findFirst().orElseThrow();
        String[] f = ok.split(" ");
        assertThat(Long.parseLong(f[1])).isEqualTo(files * 3L);
        long perFile = Long.parseLong(f[2]);
        long jdkPerFd = Long.parseLong(f[3]);
        System.out.println("ManyFilesHeapTest: heap per idle tailed file " + perFile + " bytes, of which the JDK's "
                + "per-descriptor objects " + jdkPerFd);
        assertThat(jdkPerFd).as("the JDK's heap per open FileChannel").isBetween(100L, 1024L);
        assertThat(perFile - jdkPerFd).as("heap bytes per idle tailed file beyond the JDK's").isLessThan(2048);
    }
}
