package io.redactd.outputs.buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One output's place in the {@link DiskBuffer}. {@link #read} moves an in-memory read position forward; {@link #commit}
 * persists a position once everything before it is delivered (write to a temporary file, fsync, atomic rename), so
 * after a crash the output resumes at its last commit and re-sends at most what was in flight.
 *
 * <p>Reads from one thread at a time, commits from one thread at a time, the two possibly at once (calls may hop
 * between threads; the state is published safely).
 */
public final class BufferCursor {
    private static final String SUFFIX = ".cursor";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private final String name;
    private final Path file;
    private final Path directory;
    private final DiskBuffer buffer;
    private final RecordReader reader;
    private volatile long committed;
    private final Object commitLock = new Object();
    private volatile long readPosition;

    BufferCursor(String name, Path directory, DiskBuffer buffer, long position) {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("buffer cursor name must match " + SAFE_NAME + ": " + name);
        }
        this.name = name;
        this.directory = directory;
        this.file = directory.resolve(name + SUFFIX);
        this.buffer = buffer;
        this.reader = new RecordReader(256 * 1024, Integer.MAX_VALUE - RecordReader.HEADER_BYTES);
        this.committed = position;
        this.readPosition = position;
    }

    public String name() {
        return name;
    }

    /** Reads up to the limits from the read position (at least one record if any is readable) and moves past them. */
    public synchronized BufferChunk read(int maxDocuments, long maxBytes) throws IOException {
        BufferChunk chunk = buffer.read(readPosition, maxDocuments, maxBytes, reader);
        readPosition = chunk.endPosition();
        return chunk;
    }

    /**
     * Persists {@code position} as delivered; segments every cursor has passed are then deleted. May run on another
     * thread while {@link #read} runs (the output's next batch is read during this commit's fsyncs): commits are
     * serialized with each other, not with reads.
     */
    public void commit(long position) throws IOException {
        synchronized (commitLock) {
            if (position < committed) {
                throw new IllegalArgumentException("cursor " + name + " cannot move back from " + committed + " to "
                        + position);
            }
            Path temporary = directory.resolve(name + SUFFIX + ".tmp");
            Files.write(temporary, (position + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DiskBuffer.forceDirectory(directory);
            committed = position;
        }
        buffer.reclaim();
    }

    /** Goes back to the committed position, e.g. after the reader dropped what it had read but not delivered. */
    public synchronized void rewind() {
        readPosition = committed;
    }

    public long committedPosition() {
        return committed;
    }

    public long readPosition() {
        return readPosition;
    }

    /** Bytes appended but not yet committed by this cursor (what this output still owes). */
    public long lagBytes() {
        return Math.max(0, buffer.endPosition() - committed);
    }

    static Map<String, Long> loadAll(Path directory) throws IOException {
        Map<String, Long> positions = new HashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path path : stream) {
                String fileName = path.getFileName().toString();
                String cursorName = fileName.substring(0, fileName.length() - SUFFIX.length());
                String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
                try {
                    positions.put(cursorName, Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw new IOException("buffer cursor file " + path + " is not a position: it holds "
                            + text.length() + " characters");
                }
            }
        }
        return positions;
    }

    static void delete(Path directory, String name) throws IOException {
        Files.deleteIfExists(directory.resolve(name + SUFFIX));
    }
}
