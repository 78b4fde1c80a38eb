package io.redactd.detectors.accuracy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the LogHub sample corpus ({@code shared/corpus/loghub}, a sibling of the repository checkout) by walking up
 * from the working directory, so it is found from the module directory, the repository root or a worktree.
 */
final class LoghubCorpus {
    private LoghubCorpus() {
    }

    static Path locate() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("corpus").resolve("loghub");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("LogHub corpus not found: looked for shared/corpus/loghub in " + start
                + " and every parent directory. CI provides it at ../shared next to the repository; the loghub "
                + "false-positive test cannot run without it.");
    }

    static List<Path> logFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no *.log files in " + dir);
            }
            return files;
        }
    }
}
