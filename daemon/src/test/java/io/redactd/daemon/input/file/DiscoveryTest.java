package io.redactd.daemon.input.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryTest {

    @TempDir
    Path dir;

    private final List<String> problems = new ArrayList<>();

    private Discovery discovery(List<String> paths, List<String> exclude) {
        return new Discovery("t", paths, exclude, (path, reason) -> problems.add(dir.relativize(path) + " " + reason));
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
    void aDirectoryWithoutReadPermissionIsReportedOnceNotFatal() throws IOException {
        Path ok = touch("open/ok.log");
        Path hidden = touch("closed/secret.log");
        Path closed = hidden.getParent();
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        try {
            Discovery d = discovery(List.of(dir + "/*/*.log"), List.of());
            boolean canStillRead = Files.isReadable(closed); // root (CAP_DAC_OVERRIDE) reads it anyway
            for (int i = 0; i < 3; i++) {
                if (canStillRead) {
                    assertThat(d.scan()).containsExactlyInAnyOrder(ok, hidden);
                } else {
                    assertThat(d.scan()).containsExactly(ok);
                }
            }
            assertThat(problems).isEqualTo(canStillRead ? List.of() : List.of("closed permission_denied"));
        } finally {
            Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
