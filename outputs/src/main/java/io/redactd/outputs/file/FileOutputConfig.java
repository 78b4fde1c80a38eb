package io.redactd.outputs.file;

import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: file} output: NDJSON, one event document per line, with size-based rotation.
 *
 * @param path      the file written; rotated files are {@code path.1} (newest) .. {@code path.N}
 * @param maxBytes  rotate before a write would take the file past this size (default 100 MiB)
 * @param maxFiles  rotated files kept besides the live one (default 5; 0 keeps none)
 * @param fsync     {@code batch}: fsync after every batch before acknowledging it (default; an acknowledged event is
 *                  on disk), {@code never}: leave it to the OS (faster, loses the page cache on power loss)
 */
public record FileOutputConfig(String path, Long maxBytes, Integer maxFiles, String fsync) {
    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;
    public static final int DEFAULT_MAX_FILES = 5;

    public FileOutputConfig {
        maxBytes = maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes;
        maxFiles = maxFiles == null ? DEFAULT_MAX_FILES : maxFiles;
        fsync = fsync == null ? "batch" : fsync;
    }

    public boolean fsyncEachBatch() {
        return "batch".equals(fsync);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (path == null || path.isBlank()) {
            problems.add(ConfigProblem.of("path", "no output file given"));
        }
        if (maxBytes < 1024) {
            problems.add(ConfigProblem.of("max_bytes", "must be at least 1024, got " + maxBytes));
        }
        if (maxFiles < 0 || maxFiles > 1000) {
            problems.add(ConfigProblem.of("max_files", "must be between 0 and 1000, got " + maxFiles));
        }
        if (!fsync.equals("batch") && !fsync.equals("never")) {
            problems.add(ConfigProblem.of("fsync", "must be 'batch' or 'never', got '" + fsync + "'"));
        }
        return problems;
    }
}
