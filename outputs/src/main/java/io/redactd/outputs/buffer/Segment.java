package io.redactd.outputs.buffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** One segment file: records from global position {@code base} to {@code base + size}. */
final class Segment {
    final long base;
    final Path path;
    final FileChannel channel;
    /** Bytes written to the file and readable; only the writer thread grows it. */
    volatile long size;

    Segment(long base, Path path, FileChannel channel, long size) {
        this.base = base;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    long end() {
        return base + size;
    }

    static String fileName(long base) {
        return String.format("%020d.seg", base);
    }

    static long parseBase(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - ".seg".length()));
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a segment that is being dropped; nothing left to protect
        }
    }
}
