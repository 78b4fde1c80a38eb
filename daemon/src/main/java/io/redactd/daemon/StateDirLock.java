package io.redactd.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per state directory. Two daemons on one {@code state_dir} (a systemd service and a hand-started test
 * run) would interleave checkpoints, buffer segments and chain heads, and {@code keygen --force} under a running daemon
 * would have its new key overwritten by the daemon's evolved one. The lock is an OS file lock on
 * {@code <state_dir>/redactd.lock}: the kernel drops it when the process dies, so a {@code kill -9} leaves nothing stale.
 */
public final class StateDirLock implements AutoCloseable {
    static final String FILE = "redactd.lock";

    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;
    /** Device and inode of the file locked ({@code BasicFileAttributes.fileKey}), to notice it was removed or replaced. */
    private final Object fileKey;

    private StateDirLock(FileChannel channel, FileLock lock, Path file, Object fileKey) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
        this.fileKey = fileKey;
    }

    /** Takes the lock, or returns null when another process (or this one) holds it. */
    public static StateDirLock tryAcquire(Path stateDir) throws IOException {
        FileChannel ch = FileChannel.open(stateDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by this JVM already (a second daemon in one test JVM)
        }
        if (l == null) {
            ch.close();
            return null;
        }
        // The holder's pid, for the operator's message only; the lock, not the text, is what counts.
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        Path file = stateDir.resolve(FILE);
        Object key;
        try {
            key = fileKeyOf(file);
        } catch (IOException e) {
            l.release();
            ch.close();
            throw e;
        }
        return new StateDirLock(ch, l, file, key);
    }

    /** What {@link #tryAcquireExisting} returns when another process holds the lock. */
    public static final StateDirLock HELD = new StateDirLock(null, null, null, null);

    /**
     * Null while the lock file at the path is still the file this lock holds; else what happened to it. A lock only
     * guards the file it was taken on: once {@code rm -rf state_dir} (a cleanup job, a hostPath re-created under a
     * pod) or a replacement took it away, a second daemon can lock a new file at the same path and start beside this
     * one. Cheap (one stat): meant to be called every few seconds.
     */
    public String lostReason() {
        if (fileKey == null) {
            return null; // HELD, or a file system without file keys: nothing to compare
        }
        try {
            Object now = fileKeyOf(file);
            return fileKey.equals(now) ? null : file + " was replaced by another file (state_dir re-created?)";
        } catch (java.nio.file.NoSuchFileException e) {
            return file + " was removed (state_dir deleted?)";
        } catch (IOException e) {
            return null; // cannot tell (not a removal): the next check looks again
        }
    }

    private static Object fileKeyOf(Path file) throws IOException {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /**
     * For tools run beside the daemon: takes the lock only if a daemon ever created the lock file (null when there is
     * none, so nothing to wait for), {@link #HELD} when it is held. Never creates the file.
     */
    public static StateDirLock tryAcquireExisting(Path stateDir) throws IOException {
        if (!Files.exists(stateDir.resolve(FILE))) {
            return null;
        }
        StateDirLock l = tryAcquire(stateDir);
        return l == null ? HELD : l;
    }

    /** "pid N" of the holder as it wrote it, or "another process" when unreadable. */
    public static String holder(Path stateDir) {
        try {
            String pid = Files.readString(stateDir.resolve(FILE), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,10}") ? "pid " + pid : "another process";
        } catch (IOException | RuntimeException e) {
            return "another process";
        }
    }

    @Override
    public void close() throws IOException {
        if (channel == null) {
            return; // HELD: nothing of ours to release
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
