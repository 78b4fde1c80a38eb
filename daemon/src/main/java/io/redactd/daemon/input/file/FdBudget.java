package io.redactd.daemon.input.file;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileSystemException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many files the file inputs of this process may keep open. Every tailed file holds a descriptor for as long as
 * it is tailed, so a glob matching more files than {@code RLIMIT_NOFILE} allows would otherwise take the last
 * descriptors the rest of the daemon needs (buffer segments, checkpoint files, output files, sockets): an input
 * stops opening files at {@code limit - reserve}, and the files that do not fit wait (counted, logged) until files
 * are let go. The reserve is a tenth of the limit, at least 256 and at most 4096 descriptors.
 */
final class FdBudget {

    /** Thrown instead of opening a file when the budget is used up, or the system refused with EMFILE/ENFILE. */
    static final class Exhausted extends IOException {
        Exhausted() {
            super("open-file limit reached");
        }
    }

    private static final FdBudget PROCESS = forLimit(descriptorLimit());

    private final long limit;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    private FdBudget(long limit, int max) {
        this.limit = limit;
        this.max = max;
    }

    /** The budget under a descriptor limit ({@code RLIMIT_NOFILE}; Long.MAX_VALUE if unknown). */
    static FdBudget forLimit(long limit) {
        long reserve = Math.min(4096, Math.max(256, limit / 10));
        return new FdBudget(limit, (int) Math.min(Integer.MAX_VALUE, Math.max(limit / 2, limit - reserve)));
    }

    /** Shared by every file input of the process: they draw on one descriptor limit. */
    static FdBudget process() {
        return PROCESS;
    }

    /** A budget of exactly {@code files} (tests). */
    static FdBudget ofFiles(int files) {
        return new FdBudget(Long.MAX_VALUE, files);
    }

    /** Takes one descriptor if the budget has one; {@code evenIfFull} takes it anyway (a file whose data is at stake). */
    boolean tryAcquire(boolean evenIfFull) {
        while (true) {
            int n = open.get();
            if (n >= max && !evenIfFull) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        open.decrementAndGet();
    }

    /** Files the inputs may keep open. */
    int max() {
        return max;
    }

    /** Files open now, over all inputs. */
    int open() {
        return open.get();
    }

    /** The descriptor limit this budget was derived from (Long.MAX_VALUE if unknown). */
    long limit() {
        return limit;
    }

    /** True if the system refused to open a file for want of descriptors (EMFILE, or ENFILE system-wide). */
    static boolean isOutOfDescriptors(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null
                && f.getReason().contains("Too many open files");
    }

    private static long descriptorLimit() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                long max = unix.getMaxFileDescriptorCount();
                return max > 0 ? max : Long.MAX_VALUE;
            }
        } catch (RuntimeException | LinkageError e) {
            // no management view of the process: no budget beyond what the system enforces
        }
        return Long.MAX_VALUE;
    }
}
