package io.redactd.daemon.input.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryTest {

    @TempDir
    Path dir;

    private final List<String> problems = new ArrayList<>();

    private Discovery discovery(List<String> paths, List<String> exclude) {
        return new Discovery(paths, exclude, (path, reason) -> problems.add(dir.relativize(path) + " " + reason));
    }

    private Path touch(String relative) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x\n");
        return p;
    }

    @Test
    void doubleStarMatchesAnyDepthIncludingNoneAndExcludesApply() throws IOException {
        Path top = touch("top.log");
        Path nested = touch("a/b/c/deep.log");
        touch("a/other.txt");
        touch("a/skip.log");
        touch("a/b/old.log.gz");
        Discovery d = discovery(List.of(dir + "/**/*.log"), List.of("skip.*", dir + "/a/b/c/nothing"));
        assertThat(d.scan()).containsExactlyInAnyOrder(top, nested);
        assertThat(d.directories()).contains(dir, dir.resolve("a/b/c"));
        assertThat(problems).isEmpty();
    }

    @Test
    void aLiteralPathAndASingleLevelGlobDoNotDescend() throws IOException {
        Path literal = touch("app.log");
        touch("sub/app.log");
        assertThat(discovery(List.of(dir + "/app.log"), List.of()).scan()).containsExactly(literal);
        assertThat(discovery(List.of(dir + "/*.log"), List.of()).scan()).containsExactly(literal);
        assertThat(discovery(List.of(dir + "/missing/*.log"), List.of()).scan()).isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void aFifoASymlinkLoopAreReportedOnceEachAndTheOtherFilesStillFound() throws Exception {
        Path ok = touch("logs/ok.log");
        Path fifo = dir.resolve("logs/pipe.log");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Files.createDirectories(dir.resolve("logs/sub"));
        Files.createSymbolicLink(dir.resolve("logs/sub/loop"), dir.resolve("logs"));
        Discovery d = discovery(List.of(dir + "/logs/**/*.log"), List.of());
        for (int i = 0; i < 3; i++) {
            assertThat(d.scan()).containsExactly(ok);
        }
        assertThat(problems).containsExactlyInAnyOrder("logs/pipe.log not_regular_file",
                "logs/sub/loop symlink_loop");
    }

    @Test
    void aFileNameCannotForgeALineOfTheDaemonsLog() {
        assertThat(FileInput.printable("/var/log/a\n2026-12-07 INFO forged.log")).isEqualTo("/var/log/a\\x0a2026-12-07 INFO forged.log");
        assertThat(FileInput.printable("/var/log/plain.log")).isEqualTo("/var/log/plain.log");
    }

    @Test
    void anIoErrorIsLoggedByItsKindAndReasonNotItsMessageWhichHoldsThePath() {
        assertThat(FileInput.why(new java.nio.file.NoSuchFileException("/var/log/ehr/jane.roe@example.org.log")))
                .isEqualTo("NoSuchFileException");
        assertThat(FileInput.why(new java.nio.file.FileSystemException("/x/jane.log", null, "Too many open files")))
                .isEqualTo("FileSystemException: Too many open files");
    }

    @Test
    void aDirectoryLinkInsideTheTreeIsFollowedOneLeadingOutOfItIsNot(@TempDir Path outside) throws Exception {
        Path real = touch("logs/app/a.log");
        Files.createSymbolicLink(dir.resolve("logs/alias"), dir.resolve("logs/app"));
        Path elsewhere = outside.resolve("other/b.log");
        Files.createDirectories(elsewhere.getParent());
        Files.writeString(elsewhere, "x\n");
        Files.createSymbolicLink(dir.resolve("logs/escape"), outside);
        Files.createSymbolicLink(dir.resolve("logs/root"), Path.of("/"));
        Discovery d = discovery(List.of(dir + "/logs/**/*.log"), List.of());
        assertThat(d.scan()).containsExactlyInAnyOrder(real, dir.resolve("logs/alias/a.log"));
        assertThat(problems).containsExactlyInAnyOrder("logs/escape symlink_out_of_tree", "logs/root symlink_out_of_tree");
    }

    /**
     * A real permission error. Root reads any directory, so when the suite runs as root the discovery runs in a child
     * JVM as user nobody (setpriv); otherwise in this process.
     */
    @Test
    void aDirectoryWithoutReadPermissionIsReportedOnceAndTheOtherFilesAreStillFound() throws Exception {
        Path ok = touch("open/ok.log");
        Path hidden = touch("closed/secret.log");
        Path closed = hidden.getParent();
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        String glob = dir + "/*/*.log";
        List<String> out = new ArrayList<>();
        try {
            if (!Files.isReadable(closed)) {
                Discovery d = new Discovery(List.of(glob), List.of(),
                        (path, reason) -> out.add("PROBLEM " + path + " " + reason));
                for (int i = 0; i < 3; i++) {
                    d.scan().forEach(p -> out.add("FOUND " + p));
                }
            } else {
                out.addAll(runAsNobody(glob));
            }
        } finally {
            Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(out).containsExactly(
                "PROBLEM " + closed + " permission_denied",
                "FOUND " + ok, "FOUND " + ok, "FOUND " + ok);
    }

    private List<String> runAsNobody(String glob) throws Exception {
        // The child needs to reach the test directory and the classes; slf4j's jars live in a private ~/.m2.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("open"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("open/ok.log"), PosixFilePermissions.fromString("rw-r--r--"));
        Path jars = Files.createDirectory(dir.resolve("jars"));
        Files.setPosixFilePermissions(jars, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> classpath = new ArrayList<>();
        for (Class<?> c : List.of(Discovery.class, DiscoveryProbe.class, org.slf4j.LoggerFactory.class,
                org.slf4j.simple.SimpleLogger.class)) {
            Path where = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(where)) {
                Path copy = jars.resolve(where.getFileName());
                if (!Files.exists(copy)) {
                    Files.copy(where, copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                }
                where = copy;
            }
            if (!classpath.contains(where.toString())) {
                classpath.add(where.toString());
            }
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                javaBin.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", String.join(":", classpath),
                DiscoveryProbe.class.getName(), glob)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines().toList();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("probe output: %s", lines).isZero();
        return lines;
    }
}
