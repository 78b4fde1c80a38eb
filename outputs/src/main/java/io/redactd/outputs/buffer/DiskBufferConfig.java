package io.redactd.outputs.buffer;

import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code buffer:} settings of the disk buffer that sits between the pipeline and the outputs.
 *
 * @param path            directory of the segment and cursor files; absent: {@code <state_dir>/buffer} (see
 *                        {@link #inStateDir})
 * @param maxBytes        size cap of all segments together; when reached, appends wait (back-pressure) until every
 *                        output has moved past the oldest segment (default 1 GiB)
 * @param segmentBytes    size at which a segment is sealed and a new one started; space is reclaimed a whole segment
 *                        at a time (default: max_bytes / 8, at most 64 MiB)
 * @param fsync           {@code interval}: fsync at most every {@code fsync_interval_ms} (default; a power cut loses at
 *                        most that window, a process crash loses nothing), {@code always}: fsync before an append is
 *                        acknowledged (group commit: one fsync covers every append waiting at that moment)
 * @param fsyncIntervalMs the interval for {@code fsync: interval} (default 1000)
 */
public record DiskBufferConfig(String path, Long maxBytes, Long segmentBytes, String fsync, Long fsyncIntervalMs) {
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final long MAX_SEGMENT_BYTES = 64L << 20;
    public static final long MIN_MAX_BYTES = 1L << 20;

    public DiskBufferConfig {
        maxBytes = maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes;
        segmentBytes = segmentBytes == null ? Math.max(64 * 1024, Math.min(MAX_SEGMENT_BYTES, maxBytes / 8)) : segmentBytes;
        fsync = fsync == null ? "interval" : fsync;
        fsyncIntervalMs = fsyncIntervalMs == null ? 1000L : fsyncIntervalMs;
    }

    /** This config with {@code path} defaulted to {@code <stateDir>/buffer}. */
    public DiskBufferConfig inStateDir(java.nio.file.Path stateDir) {
        return path != null ? this : new DiskBufferConfig(stateDir.resolve("buffer").toString(), maxBytes, segmentBytes,
                fsync, fsyncIntervalMs);
    }

    public boolean fsyncAlways() {
        return "always".equals(fsync);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (path != null && path.isBlank()) {
            problems.add(ConfigProblem.of("path", "is empty; leave it out to use <state_dir>/buffer"));
        }
        if (maxBytes < MIN_MAX_BYTES) {
            problems.add(ConfigProblem.of("max_bytes", "must be at least " + MIN_MAX_BYTES + ", got " + maxBytes));
        }
        if (segmentBytes < 4096 || segmentBytes > maxBytes / 4) {
            problems.add(ConfigProblem.of("segment_bytes",
                    "must be between 4096 and max_bytes / 4 (" + maxBytes / 4 + "), got " + segmentBytes));
        }
        if (!fsync.equals("always") && !fsync.equals("interval")) {
            problems.add(ConfigProblem.of("fsync", "must be 'always' or 'interval', got '" + fsync + "'"));
        }
        if (fsyncIntervalMs < 1 || fsyncIntervalMs > 60_000) {
            problems.add(ConfigProblem.of("fsync_interval_ms", "must be between 1 and 60000, got " + fsyncIntervalMs));
        }
        return problems;
    }
}
