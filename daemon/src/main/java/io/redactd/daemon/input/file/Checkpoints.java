package io.redactd.daemon.input.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The offsets of one file input, kept in {@code <state_dir>/file-<input id>.json}. A write goes to a temporary file
 * that is fsynced and then renamed over the old one (and the directory fsynced), so after a crash the file holds
 * either the old or the new state, never a torn one. Contains paths and offsets only, never log content.
 *
 * <p>Paths are stored as the daemon shows them everywhere else ({@link io.redactd.daemon.pipeline.EventSink#shown}, the
 * redaction {@code log.file.path} gets): applications name files after patients, and nothing raw goes to disk. Files
 * are identified by device, inode and head fingerprint, never by path, so resuming needs no path. The stored path is
 * still used for two searches at start: the directory to look in for a file renamed away before it was read to its
 * end, and the name whose rotated generations ({@code app.log.1}) were written while the daemon was down. A redacted
 * name finds no generations of its own (the names of files the globs match still do), and a redacted directory no
 * renamed-away file: a restart then reads on from the files the globs match, without re-reading or skipping them.
 * Version 1 files (raw paths) are read as before and rewritten redacted at once.
 */
final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * The position of one file.
     *
     * @param offset    the offset just past the last event acknowledged by the sink
     * @param done      the file was read to its end after it was renamed away or deleted, and let go
     * @param updatedMs when this entry last changed; entries of files let go are forgotten after a retention time
     */
    record Entry(@JsonProperty("dev") long dev,
                 @JsonProperty("ino") long ino,
                 @JsonProperty("head_len") int headLen,
                 @JsonProperty("head_hash") long headHash,
                 @JsonProperty("path") String path,
                 @JsonProperty("offset") long offset,
                 @JsonProperty("done") boolean done,
                 @JsonProperty("updated_ms") long updatedMs) {

        Fingerprint fingerprint() {
            return new Fingerprint(dev, ino, headLen, headHash);
        }

        String key() {
            return dev + ":" + ino;
        }

        static Entry of(Fingerprint fp, Path path, long offset, boolean done, long nowMs) {
            return new Entry(fp.dev(), fp.ino(), fp.headLen(), fp.headHash(), path.toString(), offset, done, nowMs);
        }
    }

    /**
     * Bounds of what the entries describe, kept beside them.
     *
     * @param createdMs   when this input first ran on this state: files last modified before it were never its concern
     * @param forgottenMs the newest {@code updated_ms} of an entry dropped for age or count: a file last modified
     *                    before it may have been read and forgotten
     */
    record Header(long createdMs, long forgottenMs) {
        /** A state written before these bounds were kept. */
        static final Header NONE = new Header(-1, 0);
    }

    private record State(@JsonProperty("version") int version, @JsonProperty("files") List<Entry> files,
                         @JsonProperty("created_ms") Long createdMs,
                         @JsonProperty("forgotten_ms") Long forgottenMs) {
    }

    /** Version 2: paths are stored redacted. */
    static final int VERSION = 2;

    private final Path file;
    private final Path temp;
    private final UnaryOperator<String> shown;
    /**
     * The shown form of each path of the last write: a path is redacted once while its file is tracked, not at every
     * write (with more files than the pipeline's path cache holds, every write scanned every path again).
     */
    private volatile Map<String, String> shownPaths = Map.of();
    private Header header = Header.NONE;

    /** Without redaction (tests of the file format; inputs whose sink detects nothing). */
    Checkpoints(Path stateDir, String inputId) {
        this(stateDir, inputId, UnaryOperator.identity());
    }

    /** @param shown how a path may be written: the sink's {@link io.redactd.daemon.pipeline.EventSink#shown} */
    Checkpoints(Path stateDir, String inputId, UnaryOperator<String> shown) {
        this.shown = shown;
        String safe = inputId.replaceAll("[^A-Za-z0-9._-]", "_");
        this.file = stateDir.resolve("file-" + safe + ".json");
        this.temp = stateDir.resolve("file-" + safe + ".json.tmp");
    }

    Path file() {
        return file;
    }

    /**
     * Loads the stored entries by device:inode key. Missing file: empty (first run). An unreadable file is moved
     * aside with a clear log line and treated as a first run, rather than stopping the daemon.
     */
    Map<String, Entry> load() throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        boolean migrate = false;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return out;
        }
        try {
            State state = JSON.readValue(bytes, new TypeReference<State>() { });
            if (state.files() != null) {
                for (Entry e : state.files()) {
                    out.put(e.key(), e);
                }
            }
            header = new Header(state.createdMs() == null ? -1 : state.createdMs(),
                    state.forgottenMs() == null ? 0 : state.forgottenMs());
            migrate = state.version() < VERSION;
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.error("checkpoint file {} is not valid ({}); moved to {} and starting as on a first run",
                    file, e.getClass().getSimpleName(), aside);
        }
        if (migrate) {
            // Raw paths on disk: this run keeps them in memory (it may need them to find a renamed-away file); the
            // file is rewritten redacted now, not only at the next commit.
            try {
                write(out.values());
                LOG.info("checkpoint file {} rewritten in version {} (paths redacted)", file, VERSION);
            } catch (IOException e) {
                LOG.warn("checkpoint file {} could not be rewritten in version {} yet ({}); the next commit does it",
                        file, VERSION, e.getMessage());
            }
        }
        return out;
    }

    /** The bounds found by the last {@link #load()}; {@link Header#NONE} if there were none. */
    Header header() {
        return header;
    }

    /** Replaces the stored state atomically and durably, keeping the bounds of the last load. */
    void write(Collection<Entry> entries) throws IOException {
        write(entries, header);
    }

    /** Replaces the stored state (entries and bounds) atomically and durably. */
    void write(Collection<Entry> entries, Header bounds) throws IOException {
        Files.createDirectories(file.getParent());
        List<Entry> stored = new ArrayList<>(entries.size());
        Map<String, String> before = shownPaths;
        Map<String, String> now = new HashMap<>();
        for (Entry e : entries) {
            String path = e.path() == null ? null
                    : now.computeIfAbsent(e.path(), p -> before.containsKey(p) ? before.get(p) : shown.apply(p));
            stored.add(Objects.equals(path, e.path()) ? e
                    : new Entry(e.dev(), e.ino(), e.headLen(), e.headHash(), path, e.offset(), e.done(), e.updatedMs()));
        }
        shownPaths = now;
        byte[] bytes = JSON.writeValueAsBytes(new State(VERSION, stored, bounds.createdMs(), bounds.forgottenMs()));
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("state_dir " + file.getParent() + " does not support atomic rename", e);
        }
        // The rename is durable only once the directory entry is.
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse fsync on a directory; the rename is then as durable as they allow.
        }
    }
}
