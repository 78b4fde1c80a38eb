package io.redactd.daemon.input.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Identity of a file: device + inode, plus a hash of its first bytes. Device + inode alone is not enough because a
 * deleted file's inode is reused by the next file created; the head hash tells the two apart, so a reused inode is
 * read from its start instead of from the old file's offset. A file shorter than {@link #HEAD_BYTES} is fingerprinted
 * over what it has ({@code headLen}); the fingerprint is refreshed as it grows.
 */
public record Fingerprint(long dev, long ino, int headLen, long headHash) {

    /** How many leading bytes identify a file's content. */
    public static final int HEAD_BYTES = 256;

    /** The key of the file's device + inode, e.g. {@code 2049:131077}. */
    public String key() {
        return dev + ":" + ino;
    }

    /** Device and inode of {@code path} (following symlinks). */
    static long[] devIno(Path path) throws IOException {
        Map<String, Object> attrs = Files.readAttributes(path, "unix:dev,ino");
        return new long[]{(Long) attrs.get("dev"), (Long) attrs.get("ino")};
    }

    /** Device and inode of {@code path} without following a final symlink. */
    static long[] devInoNoFollow(Path path) throws IOException {
        Map<String, Object> attrs = Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
        return new long[]{(Long) attrs.get("dev"), (Long) attrs.get("ino")};
    }

    /** Fingerprints an open file whose device and inode are known. */
    static Fingerprint of(long dev, long ino, FileChannel channel) throws IOException {
        byte[] head = readHead(channel, HEAD_BYTES);
        return new Fingerprint(dev, ino, head.length, hash(head, head.length));
    }

    /** True if the file's first {@code headLen} bytes still hash to {@code headHash}. */
    boolean headMatches(FileChannel channel) throws IOException {
        if (headLen == 0) {
            return true;
        }
        byte[] head = readHead(channel, headLen);
        return head.length == headLen && hash(head, headLen) == headHash;
    }

    /** True if a file's leading bytes (at least {@code headLen} of them) start with this fingerprint's head. */
    boolean headMatches(byte[] head) {
        return headLen > 0 && head.length >= headLen && hash(head, headLen) == headHash;
    }

    static byte[] readHead(FileChannel channel, int max) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(max);
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n <= 0) {
                break;
            }
            pos += n;
        }
        byte[] out = new byte[buf.position()];
        buf.flip();
        buf.get(out);
        return out;
    }

    /** First 8 bytes of SHA-256 over {@code bytes[0..len)}; computed only when a file changes, so cost is irrelevant. */
    static long hash(byte[] bytes, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, len);
            md.update((byte) len);
            return ByteBuffer.wrap(md.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
