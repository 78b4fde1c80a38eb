package io.redactd.outputs.buffer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Child process of {@link BufferCrashTest}: appends, reports, then waits to be killed. */
public final class BufferWriterProcess {
    private BufferWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        // interval fsync with a long interval: durability against SIGKILL comes from the page cache, as in production.
        DiskBuffer buffer = DiskBuffer.open(new DiskBufferConfig(dir.toString(), 64L << 20, 1L << 20, "interval", 60_000L),
                List.of("out"));
        for (int i = 0; i < count; i += 500) {
            buffer.append(DiskBufferTest.docs(i, Math.min(500, count - i))).get(10, TimeUnit.SECONDS);
        }
        System.out.println("ACKNOWLEDGED " + count);
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
}
