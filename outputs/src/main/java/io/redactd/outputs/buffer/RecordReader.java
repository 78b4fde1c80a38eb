package io.redactd.outputs.buffer;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Parses records out of a segment in large positional reads (one syscall per MiB, not per record).
 *
 * <p>Record layout: {@code int length | int crc32c | long appendMillis | payload[length]}, big-endian; the CRC covers
 * the append time and the payload, so a torn or overwritten record never passes as valid.
 */
final class RecordReader {
    static final int HEADER_BYTES = 16;

    /**
     * Receives one valid record, its payload as {@code length} bytes of {@code array} from {@code offset} (valid only
     * during the call); returns false to leave it unconsumed and stop.
     */
    interface Visitor {
        boolean accept(byte[] array, int offset, int length, long appendMillis);
    }

    /** Where reading stopped, and whether it stopped at an invalid record (torn write or corruption). */
    record Result(long endOffset, boolean invalid, boolean stoppedByVisitor) {
    }

    private final CRC32C crc = new CRC32C();
    private final int maxRecordBytes;
    private ByteBuffer buffer;

    RecordReader(int initialBufferBytes, int maxRecordBytes) {
        this.buffer = ByteBuffer.allocate(initialBufferBytes);
        this.maxRecordBytes = maxRecordBytes;
    }

    Result read(FileChannel channel, long offset, long limit, Visitor visitor) throws IOException {
        long position = offset;
        while (limit - position >= HEADER_BYTES) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), limit - position));
            readFully(channel, buffer, position);
            buffer.flip();
            int needMore = 0;
            while (buffer.remaining() >= HEADER_BYTES) {
                int start = buffer.position();
                int length = buffer.getInt(start);
                if (length < 0 || length > maxRecordBytes || position + start + HEADER_BYTES + length > limit) {
                    return new Result(position + start, true, false);
                }
                if (buffer.remaining() < HEADER_BYTES + length) {
                    needMore = HEADER_BYTES + length;
                    break;
                }
                int storedCrc = buffer.getInt(start + 4);
                // The buffer is a heap buffer: CRC and payload straight from its array, no view object per record.
                byte[] array = buffer.array();
                int at = buffer.arrayOffset() + start;
                crc.reset();
                crc.update(array, at + 8, 8 + length);
                if ((int) crc.getValue() != storedCrc) {
                    return new Result(position + start, true, false);
                }
                long appendMillis = buffer.getLong(start + 8);
                if (!visitor.accept(array, at + HEADER_BYTES, length, appendMillis)) {
                    return new Result(position + start, false, true);
                }
                buffer.position(start + HEADER_BYTES + length);
            }
            if (buffer.position() == 0 && needMore > buffer.capacity()) {
                buffer = ByteBuffer.allocate(needMore);
                continue;
            }
            position += buffer.position();
        }
        return new Result(position, position != limit, false);
    }

    static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new EOFException("segment ended at " + at);
            }
            at += n;
        }
    }
}
