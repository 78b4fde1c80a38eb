package io.redactd.daemon.input.file;

import java.nio.ByteBuffer;

/**
 * The 64 KiB chunk that {@link Tailer}s read into, one per reading thread and shared by every file that thread reads.
 * A buffer per open file cost 64 KiB of heap per tailed file for its whole life (7,000 idle files filled a 512 MiB
 * heap); shared, an idle file holds no read buffer at all.
 *
 * <p>The buffer remembers which tailer filled it. A tailer that stopped in the middle of a chunk (its batch was full)
 * goes on from the buffer while it is still the owner, which is the case when the thread reads on in the same file,
 * so a single busy file is read exactly as with a buffer of its own (no extra copy); if another file used the buffer
 * in between, the tailer reads the rest of that chunk again from the file (the page cache). Not thread-safe: only the
 * thread that reads the files touches it.
 */
final class ReadBuffer {

    final byte[] bytes;
    final ByteBuffer view;
    /** The tailer whose bytes are in the buffer now, or null. */
    Tailer owner;

    ReadBuffer() {
        this(Tailer.CHUNK_BYTES);
    }

    ReadBuffer(int size) {
        this.bytes = new byte[size];
        this.view = ByteBuffer.wrap(bytes);
    }
}
