package io.redactd.daemon.input.file;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.pipeline.EventSink;
import io.redactd.daemon.pipeline.RawBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tails many files with a real {@link FileInput} in a JVM of its own, started with a small heap by
 * {@link ManyFilesHeapTest}: prints {@code OK <events> <heap bytes per open file> <the JDK's heap bytes per open FileChannel>} once every event was handed on
 * and the files are idle, or exits non-zero (an OutOfMemoryError exits with the JVM's code 3).
 */
public final class ManyFilesProbe {

    private ManyFilesProbe() {
    }

    /** Args: glob, state dir, number of files, events expected, the directory holding the files. */
    public static void main(String[] args) throws Exception {
        String glob = args[0];
        Path state = Path.of(args[1]);
        int files = Integer.parseInt(args[2]);
        long expected = Long.parseLong(args[3]);
        Vertx vertx = Vertx.vertx();
        AtomicLong events = new AtomicLong();
        EventSink sink = (RawBatch batch) -> {
            events.addAndGet(batch.events().size());
            return Future.succeededFuture();
        };
        FileInput input = new FileInput(vertx, FileInputConfig.of("many", List.of(glob)), sink, state,
                new SimpleMeterRegistry());
        // The JDK's own cost of an open file (FileChannelImpl, FileDescriptor, its cleaner, the path), for comparison:
        // measured first, while nothing else runs.
        long quiet = heapAfterGc();
        List<FileChannel> channels = new ArrayList<>();
        try (var paths = Files.walk(Path.of(args[4]))) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                channels.add(FileChannel.open(p, StandardOpenOption.READ));
            }
        }
        long jdkPerFd = (heapAfterGc() - quiet) / channels.size();
        for (FileChannel c : channels) {
            c.close();
        }
        channels = null;
        long before = heapAfterGc();
        input.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events.get() < expected || input.tailLagBytes() > 0 || input.openFiles() < files) {
            if (System.nanoTime() > deadline) {
                System.out.println("TIMEOUT events=" + events.get() + " open=" + input.openFiles());
                System.exit(2);
            }
            Thread.sleep(20); // polling a counter in a child process: nothing to wait on instead
        }
        // No scan in flight while measuring: a scan's transient list of every matched path is not per-file state.
        input.holdDiscovery(true);
        long after = heapAfterGc();
        System.out.println("OK " + events.get() + " " + (after - before) / files + " " + jdkPerFd);
        System.out.flush();
        System.exit(0);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
