package io.redactd.benchmarks.integrity;

import io.redactd.daemon.integrity.CanonicalJson;
import io.redactd.daemon.integrity.CanonicalWriter;
import io.redactd.daemon.integrity.CheckpointPolicy;
import io.redactd.daemon.integrity.HashChain;
import io.redactd.daemon.integrity.KeygenCommand;
import io.redactd.daemon.integrity.VerifyCommand;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import picocli.CommandLine;

/**
 * The cost of integrity. {@code writeEventChained} vs {@code writeEventUnchained}: producing one ECS event of about
 * 250 canonical bytes with and without linking it into the chain (SHA-256 plus the splice), the per-event difference
 * the pipeline pays. {@code verifyFile}: {@code redactd verify} over an NDJSON file of {@value #VERIFY_EVENTS} events
 * with checkpoint MACs, reported per event (invert for events/s).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IntegrityBenchmark {
    static final int VERIFY_EVENTS = 200_000;
    static final long T0 = 1_795_000_000_000L;
    private static final byte[][] MESSAGES = new byte[64][];

    static {
        for (int i = 0; i < MESSAGES.length; i++) {
            MESSAGES[i] = ("GET /patients/" + (1000 + i) + " 200 user=[REDACTED:NAME] " + (i * 7 % 90) + "ms")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private Path dir;
    private HashChain chain;
    private final CanonicalWriter w = new CanonicalWriter(512);
    private final byte[] out = new byte[4096];
    private long n;
    private Path ndjson;
    private Path keyFile;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("redactd-integrity-bench");
        chain = HashChain.open(dir.resolve("chain-state"), "bench", CheckpointPolicy.DEFAULT, T0);
        Path state = dir.resolve("verify-state");
        StringWriter keygen = new StringWriter();
        new CommandLine(new KeygenCommand()).setOut(new PrintWriter(keygen)).execute("--state-dir", state.toString());
        keyFile = dir.resolve("auditor.key");
        Files.write(keyFile, keygen.toString().lines().filter(l -> l.startsWith("verification-key=")).toList());
        ndjson = dir.resolve("out.ndjson");
        writeStream(HashChain.open(state, "bench", CheckpointPolicy.DEFAULT, T0), ndjson, VERIFY_EVENTS);
        int at = build(w, chain, 0, null);
        System.out.printf("# canonical event before linking: %d bytes, as forwarded: %d bytes; file: %d bytes/line%n",
                w.size(), w.size() + HashChain.SPLICE_LENGTH, Files.size(ndjson) / (VERIFY_EVENTS + 200));
        w.reset();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The event as the daemon's writer would build it; returns the offset just after {@code "chain":{}. */
    static int build(CanonicalWriter w, HashChain chain, long i, String streamForUnchained) {
        w.reset().raw("{\"@timestamp\":\"2026-11-27T03:17:52.123Z\",\"chain\":{");
        int at = w.size();
        if (chain != null) {
            chain.writeSeqAndStream(w);
        } else {
            w.raw("\"seq\":").number(i + 1).raw(",\"stream\":").string(streamForUnchained);
        }
        w.raw("},\"event\":{\"dataset\":\"app.access\",\"kind\":\"event\"},\"host\":{\"name\":\"web-01\"},")
                .raw("\"log\":{\"file\":{\"path\":\"/var/log/app.log\"},\"offset\":").number(i * 180)
                .raw("},\"message\":");
        byte[] msg = MESSAGES[(int) (i & 63)];
        CanonicalJson.appendString(w, msg, 0, msg.length);
        w.raw('}');
        return at;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int writeEventChained() {
        int at = build(w, chain, n++, null);
        return chain.link(w.array(), 0, w.size(), at, out, 0);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int writeEventUnchained() {
        build(w, null, n++, "bench-20261127T031752.123Z");
        System.arraycopy(w.array(), 0, out, 0, w.size());
        return w.size();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(VERIFY_EVENTS)
    public int verifyFile() {
        return new CommandLine(new VerifyCommand()).setOut(new PrintWriter(Writer.nullWriter()))
                .setErr(new PrintWriter(Writer.nullWriter()))
                .execute(ndjson.toString(), "--key-file", keyFile.toString(), "--no-progress");
    }

    static void writeStream(HashChain chain, Path file, int events) throws IOException {
        CanonicalWriter w = new CanonicalWriter(512);
        byte[] buf = new byte[4096];
        long clock = T0;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int i = 0; i < events; i++) {
                if (i % 1000 == 0) {
                    for (byte[] c; (c = chain.pollControlEvent(clock)) != null; ) {
                        os.write(c);
                        os.write('\n');
                    }
                }
                int at = build(w, chain, i, null);
                int len = chain.link(w.array(), 0, w.size(), at, buf, 0);
                os.write(buf, 0, len);
                os.write('\n');
                clock++;
            }
            byte[] last = chain.finalCheckpoint(clock);
            if (last != null) {
                os.write(last);
                os.write('\n');
            }
        }
    }
}
