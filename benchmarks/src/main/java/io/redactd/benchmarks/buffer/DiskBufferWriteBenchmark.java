package io.redactd.benchmarks.buffer;

import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Write rate of the disk buffer: one operation appends a batch of {@code batchDocuments} ECS-like documents of about
 * {@code documentBytes} each and waits until the buffer acknowledges it (written; fsynced too with {@code always}).
 * MB/s = ops/s x batchDocuments x (documentBytes + 16 bytes of record header) / 1e6. No cursor is registered, so
 * sealed segments are reclaimed as soon as the 512 MiB cap is reached and the run measures steady-state appends.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class DiskBufferWriteBenchmark {
    @Param({"interval", "always"})
    public String fsync;

    @Param({"512"})
    public int documentBytes;

    @Param({"512"})
    public int batchDocuments;

    private Path directory;
    private DiskBuffer buffer;
    private List<byte[]> batch;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory(Path.of(System.getProperty("redactd.bench.dir", System.getProperty("java.io.tmpdir"))),
                "redactd-buffer-bench");
        buffer = DiskBuffer.open(new DiskBufferConfig(directory.toString(), 512L << 20, 64L << 20, fsync, 1000L), List.of());
        batch = new ArrayList<>(batchDocuments);
        for (int i = 0; i < batchDocuments; i++) {
            StringBuilder document = new StringBuilder("{\"@timestamp\":\"2026-11-27T03:00:00.000Z\",\"host\":{\"name\":\"ward-7\"},"
                    + "\"chain\":{\"seq\":" + i + ",\"hash\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"},"
                    + "\"message\":\"");
            while (document.length() < documentBytes - 2) {
                document.append("patient [REDACTED:SSN] admitted to ward 7 by dr [REDACTED:NPI]; ");
            }
            document.setLength(documentBytes - 2);
            document.append("\"}");
            batch.add(document.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public void appendBatch() throws Exception {
        buffer.append(batch).get();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        buffer.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
