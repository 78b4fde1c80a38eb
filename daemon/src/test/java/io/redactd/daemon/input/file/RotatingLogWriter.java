package io.redactd.daemon.input.file;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes numbered lines to {@code dir/name} like an application under logrotate: every {@code rotateEvery} lines the
 * file is rotated by rename (older generations shifted: {@code name.2 -> name.3}, {@code name.1 -> name.2},
 * {@code name -> name.1}) and a new file created; at line {@code copytruncateAt} it is rotated by copytruncate instead
 * (copied to {@code name.1}, then truncated in place while the writer keeps its append handle). Lines are
 * {@code "<8-digit number> <padding>"} and written a few at a time in whole lines. The rate is capped so that a
 * tailer (or a daemon restarted after a kill) sees rotations happen while it runs.
 *
 * <p>Reusable from the end-to-end daemon test: construct, {@link #start()}, watch {@link #written()}, {@link #await}.
 */
public final class RotatingLogWriter {

    private final Path dir;
    private final String name;
    private final int total;
    private final int rotateEvery;
    private final int copytruncateAt;
    private final int linesPerSecond;
    private final IntFunction<String> lineOf;
    private volatile int written;
    private volatile int rotations;
    private volatile Throwable failure;
    private Thread thread;
    private int pauseAt = -1;
    private boolean paused;

    public RotatingLogWriter(Path dir, String name, int total, int rotateEvery, int copytruncateAt,
                             int linesPerSecond) {
        this(dir, name, total, rotateEvery, copytruncateAt, linesPerSecond, RotatingLogWriter::line);
    }

    /** As above, with line {@code n} (without newline, ASCII) given by {@code lineOf}, e.g. to carry synthetic PHI. */
    public RotatingLogWriter(Path dir, String name, int total, int rotateEvery, int copytruncateAt,
                             int linesPerSecond, IntFunction<String> lineOf) {
        this.lineOf = lineOf;
        this.dir = dir;
        this.name = name;
        this.total = total;
        this.rotateEvery = rotateEvery;
        this.copytruncateAt = copytruncateAt;
        this.linesPerSecond = linesPerSecond;
    }

    /** The line with number {@code n}, without newline. */
    public static String line(int n) {
        return String.format("%08d line-payload-%s", n, "abcdefghijklmnopqrst");
    }

    /** The number of a line written by this class, or -1 if {@code text} is not exactly such a line. */
    public static int number(String text) {
        String suffix = " line-payload-abcdefghijklmnopqrst";
        if (text.length() != 8 + suffix.length() || !text.endsWith(suffix)) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < 8; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    public void start() {
        thread = new Thread(this::run, "rotating-log-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Makes the writer stop once {@code line} lines are written, until {@link #resume()}; call before start. */
    public synchronized void pauseAt(int line) {
        this.pauseAt = line;
    }

    public synchronized boolean paused() {
        return paused;
    }

    public synchronized void resume() {
        pauseAt = -1;
        notifyAll();
    }

    private synchronized void maybePause(int n) throws InterruptedException {
        while (pauseAt >= 0 && n >= pauseAt) {
            paused = true;
            wait();
        }
        paused = false;
    }

    public int written() {
        return written;
    }

    public int rotations() {
        return rotations;
    }

    public void await(long timeout, TimeUnit unit) throws InterruptedException {
        thread.join(unit.toMillis(timeout));
        if (thread.isAlive()) {
            throw new AssertionError("writer did not finish in " + timeout + " " + unit);
        }
        if (failure != null) {
            throw new AssertionError("writer failed", failure);
        }
    }

    private void run() {
        Path file = dir.resolve(name);
        long startNanos = System.nanoTime();
        StringBuilder chunk = new StringBuilder();
        try {
            OutputStream out = new FileOutputStream(file.toFile(), true);
            int n = 0;
            while (n < total) {
                chunk.setLength(0);
                int end = Math.min(total, n + 50);
                // Rotations fall on exact line numbers.
                int nextRotation = (n / rotateEvery + 1) * rotateEvery;
                end = Math.min(end, nextRotation);
                if (copytruncateAt > n) {
                    end = Math.min(end, copytruncateAt);
                }
                for (int i = n; i < end; i++) {
                    chunk.append(lineOf.apply(i)).append('\n');
                }
                out.write(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                n = end;
                written = n;
                if (n == copytruncateAt) {
                    copytruncate(file);
                    rotations++;
                } else if (n % rotateEvery == 0 && n < total) {
                    out.close();
                    rotateByRename(file);
                    out = new FileOutputStream(file.toFile(), true);
                    rotations++;
                }
                maybePause(n);
                pace(startNanos, n);
            }
            out.close();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void shiftGenerations() throws IOException {
        int highest = 1;
        while (Files.exists(dir.resolve(name + "." + highest))) {
            highest++;
        }
        for (int g = highest - 1; g >= 1; g--) {
            Files.move(dir.resolve(name + "." + g), dir.resolve(name + "." + (g + 1)), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private void rotateByRename(Path file) throws IOException {
        shiftGenerations();
        Files.move(file, dir.resolve(name + ".1"), StandardCopyOption.ATOMIC_MOVE);
        Files.createFile(file);
    }

    private void copytruncate(Path file) throws IOException {
        shiftGenerations();
        Files.copy(file, dir.resolve(name + ".1"));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    private void pace(long startNanos, int n) {
        long due = startNanos + (long) n * 1_000_000_000L / linesPerSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
