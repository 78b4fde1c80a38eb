package io.redactd.daemon.input.file;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.redactd.daemon.input.EventLimit;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Configuration of one {@code type: file} input. Binds from YAML with snake_case keys; a key left out takes its
 * default (boxed components are null only before the compact constructor fills them in). Unknown keys are refused by
 * the config loader, not here; {@link #validate()} reports every problem with the key it concerns.
 *
 * @param id                   input id, becomes {@code event.dataset}; may be absent when the loader binds it apart
 *                             (then set it with {@link #withId})
 * @param paths                absolute paths or globs ({@code /var/log/**}{@code /*.log}); {@code **} also matches no
 *                             directory at all
 * @param exclude              globs of paths to leave out; a glob without {@code /} is matched against the file name
 * @param startAt              where to start in files present at start-up that have no checkpoint
 * @param maxLineBytes         longer lines are split into pieces flagged {@code split}; at most
 *                             {@link EventLimit#MAX_BYTES} (a longer piece would be dropped by detection)
 * @param multiline            joining of continuation lines (Java stack traces)
 * @param format               how lines are framed: plain, Kubernetes CRI, Docker json-file, or detected per file
 * @param pollIntervalMs       how often files are checked for new data when no change notification arrives
 * @param globIntervalMs       how often the globs are expanded again (change notifications trigger it sooner)
 * @param batchMaxEvents       events per batch handed on
 * @param batchMaxBytes        message bytes per batch handed on
 * @param maxBatchesInFlight   per file; reading stops while this many batches are unacknowledged
 * @param rotateWaitMs         a file renamed away or deleted is read to its end and released once it has not grown
 *                             for this long (writers may still append to a renamed file briefly)
 * @param checkpointIntervalMs minimum time between two checkpoint writes (0 = write as soon as an ack arrives,
 *                             coalescing acks that arrive while a write is in progress). Each write is two fsyncs
 *                             (file and directory): per ack that was ~5 % of the daemon's CPU at full speed, and
 *                             what it buys is only fewer lines read twice after a crash
 */
public record FileInputConfig(
        @JsonProperty("id") String id,
        @JsonProperty("paths") List<String> paths,
        @JsonProperty("exclude") List<String> exclude,
        @JsonProperty("start_at") StartAt startAt,
        @JsonProperty("max_line_bytes") Integer maxLineBytes,
        @JsonProperty("multiline") Multiline multiline,
        @JsonProperty("format") Format format,
        @JsonProperty("poll_interval_ms") Integer pollIntervalMs,
        @JsonProperty("glob_interval_ms") Integer globIntervalMs,
        @JsonProperty("batch_max_events") Integer batchMaxEvents,
        @JsonProperty("batch_max_bytes") Integer batchMaxBytes,
        @JsonProperty("max_batches_in_flight") Integer maxBatchesInFlight,
        @JsonProperty("rotate_wait_ms") Integer rotateWaitMs,
        @JsonProperty("checkpoint_interval_ms") Integer checkpointIntervalMs) {

    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    public static final int DEFAULT_CHECKPOINT_INTERVAL_MS = 100;
    /**
     * The longest physical line a container format is read with, whatever {@code max_line_bytes} says: a runtime
     * writes at most 16 KiB of a line per record, and Docker's JSON escaping (a {@code <} becomes {@code \u003c})
     * can make that ~96 KiB on disk. A record cut before it is decoded cannot be joined to its partials, so a value
     * cut between two records would go out in two events; {@code max_line_bytes} applies to the decoded line.
     */
    public static final int CONTAINER_RECORD_BYTES = 128 * 1024;

    public FileInputConfig {
        paths = paths == null ? List.of() : List.copyOf(paths);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        startAt = startAt == null ? StartAt.BEGINNING : startAt;
        maxLineBytes = maxLineBytes == null ? DEFAULT_MAX_LINE_BYTES : maxLineBytes;
        multiline = multiline == null ? Multiline.NONE : multiline;
        format = format == null ? Format.RAW : format;
        pollIntervalMs = pollIntervalMs == null ? 250 : pollIntervalMs;
        globIntervalMs = globIntervalMs == null ? 1000 : globIntervalMs;
        batchMaxEvents = batchMaxEvents == null ? 1024 : batchMaxEvents;
        batchMaxBytes = batchMaxBytes == null ? 1024 * 1024 : batchMaxBytes;
        maxBatchesInFlight = maxBatchesInFlight == null ? 4 : maxBatchesInFlight;
        rotateWaitMs = rotateWaitMs == null ? 2000 : rotateWaitMs;
        checkpointIntervalMs = checkpointIntervalMs == null ? DEFAULT_CHECKPOINT_INTERVAL_MS : checkpointIntervalMs;
    }

    /** The longest physical line read before it is split: for container formats, at least one whole record. */
    public int maxRecordBytes() {
        return format == Format.RAW ? maxLineBytes : Math.max(maxLineBytes, CONTAINER_RECORD_BYTES);
    }

    /** A config with every default, for code and tests. */
    public static FileInputConfig of(String id, List<String> paths) {
        return new FileInputConfig(id, paths, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same config for the input with this id (the loader binds {@code id} apart from the type's keys). */
    public FileInputConfig withId(String value) {
        return new FileInputConfig(value, paths, exclude, startAt, maxLineBytes, multiline, format, pollIntervalMs,
                globIntervalMs, batchMaxEvents, batchMaxBytes, maxBatchesInFlight, rotateWaitMs, checkpointIntervalMs);
    }

    public FileInputConfig withStartAt(StartAt value) {
        return new FileInputConfig(id, paths, exclude, value, maxLineBytes, multiline, format, pollIntervalMs,
                globIntervalMs, batchMaxEvents, batchMaxBytes, maxBatchesInFlight, rotateWaitMs, checkpointIntervalMs);
    }

    public FileInputConfig withFormat(Format value) {
        return new FileInputConfig(id, paths, exclude, startAt, maxLineBytes, multiline, value, pollIntervalMs,
                globIntervalMs, batchMaxEvents, batchMaxBytes, maxBatchesInFlight, rotateWaitMs, checkpointIntervalMs);
    }

    public FileInputConfig withMultiline(Multiline value) {
        return new FileInputConfig(id, paths, exclude, startAt, maxLineBytes, value, format, pollIntervalMs,
                globIntervalMs, batchMaxEvents, batchMaxBytes, maxBatchesInFlight, rotateWaitMs, checkpointIntervalMs);
    }

    public FileInputConfig withExclude(List<String> value) {
        return new FileInputConfig(id, paths, value, startAt, maxLineBytes, multiline, format, pollIntervalMs,
                globIntervalMs, batchMaxEvents, batchMaxBytes, maxBatchesInFlight, rotateWaitMs, checkpointIntervalMs);
    }

    public FileInputConfig withBatching(int maxEvents, int maxBytes, int inFlight) {
        return new FileInputConfig(id, paths, exclude, startAt, maxLineBytes, multiline, format, pollIntervalMs,
                globIntervalMs, maxEvents, maxBytes, inFlight, rotateWaitMs, checkpointIntervalMs);
    }

    public FileInputConfig withTimings(int pollMs, int globMs, int rotateWait) {
        return new FileInputConfig(id, paths, exclude, startAt, maxLineBytes, multiline, format, pollMs,
                globMs, batchMaxEvents, batchMaxBytes, maxBatchesInFlight, rotateWait, checkpointIntervalMs);
    }

    /** Every problem of this config, each naming its key (e.g. {@code paths: no file or glob given}); empty if valid. */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        // The id is usually bound by the config loader (common to all components) and set with withId(); it is
        // checked here only when given, and required by FileInput.
        if (id != null && id.isBlank()) {
            problems.add("id: must not be empty");
        }
        if (paths.isEmpty()) {
            problems.add("paths: no file or glob given");
        }
        checkGlobs("paths", paths, true, problems);
        checkGlobs("exclude", exclude, false, problems);
        EventLimit.pieceProblem(maxLineBytes, 16).ifPresent(p -> problems.add("max_line_bytes: " + p));
        range(problems, "poll_interval_ms", pollIntervalMs, 10, 60_000);
        range(problems, "glob_interval_ms", globIntervalMs, 10, 600_000);
        range(problems, "batch_max_events", batchMaxEvents, 1, 100_000);
        range(problems, "batch_max_bytes", batchMaxBytes, 1024, 64 * 1024 * 1024);
        range(problems, "max_batches_in_flight", maxBatchesInFlight, 1, 64);
        range(problems, "rotate_wait_ms", rotateWaitMs, 0, 3_600_000);
        range(problems, "checkpoint_interval_ms", checkpointIntervalMs, 0, 600_000);
        if (multiline.mode() != MultilineMode.NONE) {
            range(problems, "multiline.max_lines", multiline.maxLines(), 2, 100_000);
            EventLimit.problem(multiline.maxBytes(), 16).ifPresent(p -> problems.add("multiline.max_bytes: " + p));
            range(problems, "multiline.flush_timeout_ms", multiline.flushTimeoutMs(), 1, 600_000);
        }
        return problems;
    }

    /**
     * Why this input would read {@code file}, if it would: a glob matches it, or it is named like a rotated generation
     * ({@code app.log.1}, {@code app.log-x}) of a file a glob matches, which the input also reads. The same glob and
     * generation rules as tailing, judged on the name alone. Only for a config whose globs are valid.
     *
     * @param file absolute and normalized
     */
    public Optional<Reading> reading(Path file) {
        Discovery discovery = new Discovery(paths, exclude, (p, reason) -> { });
        int direct = discovery.globMatching(file);
        if (direct >= 0) {
            return Optional.of(new Reading("paths[" + direct + "]", file));
        }
        Path dir = file.getParent();
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (dir == null || discovery.excluded(file)) {
            return Optional.empty();
        }
        for (int cut = 1; cut < name.length() - 1; cut++) {
            String base = name.substring(0, cut);
            if (FileInput.isRotatedName(name, Set.of(base))) {
                int glob = discovery.globMatching(dir.resolve(base));
                if (glob >= 0) {
                    return Optional.of(new Reading("paths[" + glob + "]", dir.resolve(base)));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @param key     the glob that leads to the file ({@code paths[0]})
     * @param matched the file that glob matches: the file itself, or the file it is a rotated generation of
     */
    public record Reading(String key, Path matched) {
    }

    private static void checkGlobs(String key, List<String> globs, boolean mustBeAbsolute, List<String> problems) {
        for (int i = 0; i < globs.size(); i++) {
            String glob = globs.get(i);
            String where = key + "[" + i + "]";
            if (glob == null || glob.isBlank()) {
                problems.add(where + ": empty glob");
                continue;
            }
            if (mustBeAbsolute && !glob.startsWith("/")) {
                problems.add(where + ": must be an absolute path or glob, got '" + glob + "'");
                continue;
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                problems.add(where + ": invalid glob '" + glob + "': " + e.getDescription());
            }
        }
    }

    private static void range(List<String> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(key + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    /** Where to start reading a file present at start-up for which no checkpoint exists. */
    public enum StartAt {
        @JsonProperty("beginning") BEGINNING,
        @JsonProperty("end") END
    }

    /** Framing of the lines in a file. */
    public enum Format {
        /** Each line is one message. */
        @JsonProperty("raw") RAW,
        /** Kubernetes CRI: {@code <time> <stream> <P|F> <message>}; P (partial) lines are joined up to the next F. */
        @JsonProperty("cri") CRI,
        /** Docker json-file: {@code {"log":"...\n","stream":"stdout","time":"..."}}; a log without newline is partial. */
        @JsonProperty("docker") DOCKER,
        /** Decided per file from its first line: Docker, CRI, else raw. */
        @JsonProperty("auto") AUTO
    }

    public enum MultilineMode {
        @JsonProperty("none") NONE,
        /** Continuation lines start with whitespace or {@code Caused by:} (Java stack traces). */
        @JsonProperty("java") JAVA,
        /** Continuation lines start with whitespace. */
        @JsonProperty("indented") INDENTED
    }

    /**
     * Joining of continuation lines into the event of the line before them.
     *
     * @param mode           which lines continue an event
     * @param maxLines       an event is cut (and both parts flagged {@code split}) at this many lines
     * @param maxBytes       ... or at this many bytes
     * @param flushTimeoutMs a pending event is handed on after this long without a new line
     */
    public record Multiline(
            @JsonProperty("mode") MultilineMode mode,
            @JsonProperty("max_lines") Integer maxLines,
            @JsonProperty("max_bytes") Integer maxBytes,
            @JsonProperty("flush_timeout_ms") Integer flushTimeoutMs) {

        public static final Multiline NONE = new Multiline(MultilineMode.NONE, null, null, null);

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public Multiline {
            mode = mode == null ? MultilineMode.NONE : mode;
            maxLines = maxLines == null ? 500 : maxLines;
            maxBytes = maxBytes == null ? 512 * 1024 : maxBytes;
            flushTimeoutMs = flushTimeoutMs == null ? 500 : flushTimeoutMs;
        }

        /** Allows the short form {@code multiline: java}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Multiline ofMode(String mode) {
            for (MultilineMode m : MultilineMode.values()) {
                if (m.name().equalsIgnoreCase(mode)) {
                    return new Multiline(m, null, null, null);
                }
            }
            throw new IllegalArgumentException("unknown multiline mode (expected none, java or indented)");
        }
    }
}
