package io.redactd.daemon.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.integrity.CheckpointPolicy;
import io.redactd.daemon.integrity.HashChain;
import io.redactd.daemon.integrity.SealingKey;
import io.redactd.daemon.integrity.VerifyCommand;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.redactd.outputs.buffer.BufferChunk;
import io.redactd.outputs.buffer.BufferCursor;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chained delivery with a real {@link HashChain} and an output whose writes the test completes one at a time:
 * the head committed never names an event whose write is still pending, batches are acknowledged only once a commit
 * covers them, in order, and the stream written verifies. Into the disk buffer: batches are acknowledged once
 * durable there, before the head commit, and the buffer keeps them until a commit covers them, so a crash in between
 * recovers the head from the buffer.
 */
class DeliveryStageTest {
    private static final long T0 = 1_795_000_000_000L;
    private final Vertx vertx = Vertx.vertx();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Holds each write until the test releases it; keeps what was written, in order. */
    private static class SteppedOutput implements Output {
        final LinkedBlockingQueue<Runnable> held = new LinkedBlockingQueue<>();
        final List<byte[]> written = new ArrayList<>();

        @Override
        public String id() {
            return "stepped";
        }

        @Override
        public Future<Void> start() {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> write(EventBatch batch) {
            Promise<Void> p = Promise.promise();
            Context ctx = Vertx.currentContext();
            held.add(() -> ctx.runOnContext(v -> {
                synchronized (written) {
                    written.addAll(batch.documents());
                }
                p.complete();
            }));
            return p.future();
        }

        void releaseNext() throws InterruptedException {
            Runnable r = held.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a write was issued").isNotNull();
            r.run();
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public Future<Void> stop() {
            return Future.succeededFuture();
        }
    }

    /** The context the last {@link #intoBuffer} stage runs on. */
    private Context boundContext;

    /** A chained stage whose only output is the buffered fan-out over {@code buffer} (as in the daemon), bound. */
    private DeliveryStage intoBuffer(DiskBuffer buffer, HashChain chain, long commitIntervalMs,
                                     SimpleMeterRegistry registry) {
        BufferedFanOut fanOut = new BufferedFanOut("buffer", vertx, buffer, List.of(), new SimpleMeterRegistry());
        DeliveryStage stage = new DeliveryStage(vertx, List.of(fanOut), chain, 3_600_000, commitIntervalMs);
        boundContext = vertx.getOrCreateContext();
        stage.bind(boundContext, new PipelineMetrics(registry));
        return stage;
    }

    private long headSeq(Path state) throws Exception {
        Path head = state.resolve("integrity").resolve("chain-head.json");
        return Files.exists(head) ? json.readTree(head.toFile()).get("seq").asLong() : 0;
    }

    private static List<byte[]> docs(int from, int n) {
        List<byte[]> d = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            d.add(("{\"@timestamp\":\"2026-11-18T11:06:40.000Z\",\"message\":\"event " + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return d;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void commitNamesOnlyWrittenEventsAndAcknowledgesInOrderWhileTheNextGroupIsWritten(@TempDir Path dir)
            throws Exception {
        Path state = dir.resolve("state");
        SealingKey key = SealingKey.generate(false);
        String k0 = key.keyHex();
        key.create(state);
        HashChain chain = HashChain.open(state, "web-01", new CheckpointPolicy(1000, 3_600_000),
                System.currentTimeMillis());
        SteppedOutput out = new SteppedOutput();
        DeliveryStage stage = new DeliveryStage(vertx, List.of(out), chain, 3_600_000);
        Context ctx = vertx.getOrCreateContext();
        stage.bind(ctx, new PipelineMetrics(new SimpleMeterRegistry()));

        List<CompletableFuture<Void>> acks = new ArrayList<>();
        CompletableFuture<Void> queued = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            acks.add(stage.deliver(docs(0, 3)).toCompletionStage().toCompletableFuture()); // group 1: written alone
            acks.add(stage.deliver(docs(3, 4)).toCompletionStage().toCompletableFuture()); // group 2: both of these
            acks.add(stage.deliver(docs(7, 2)).toCompletionStage().toCompletableFuture());
            queued.complete(null);
        });
        queued.get(10, TimeUnit.SECONDS);

        // Group 1's write is pending: nothing is committed or acknowledged.
        assertThat(out.held.size()).isEqualTo(1);
        assertThat(headSeq(state)).isZero();
        assertThat(acks).noneMatch(CompletableFuture::isDone);

        // Group 1 durable: its commit acknowledges it, while group 2 (already linked, seqs 4..9) is being written.
        out.releaseNext();
        acks.get(0).get(10, TimeUnit.SECONDS);
        assertThat(headSeq(state)).isEqualTo(3);
        Runnable group2 = out.held.poll(10, TimeUnit.SECONDS);
        assertThat(group2).as("group 2 is written without waiting for group 1's acknowledgement").isNotNull();
        assertThat(headSeq(state)).as("the head never names an event whose write is pending").isEqualTo(3);
        assertThat(acks.get(1).isDone() || acks.get(2).isDone()).isFalse();

        group2.run();
        acks.get(1).get(10, TimeUnit.SECONDS);
        acks.get(2).get(10, TimeUnit.SECONDS);
        assertThat(headSeq(state)).isEqualTo(9);

        // Close seals the stream: the final checkpoint is written and committed.
        CompletableFuture<Void> closed = stage.close().toCompletionStage().toCompletableFuture();
        out.releaseNext();
        closed.get(10, TimeUnit.SECONDS);
        assertThat(headSeq(state)).isEqualTo(10);

        Path file = dir.resolve("out.ndjson");
        List<String> lines = new ArrayList<>();
        synchronized (out.written) {
            out.written.forEach(d -> lines.add(new String(d, StandardCharsets.UTF_8)));
        }
        Files.write(file, lines);
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(file.toString(), "--key", k0, "--no-progress");
        assertThat(rc).as(sw.toString()).isZero();
        assertThat(sw.toString()).contains("10 events, 1 checkpoint").contains("covers every event of this stream");
    }

    @Test
    void aFailedWriteFailsItsBatchesAfterTheOnesBeforeItAndLaterGroupsCarryOn(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        HashChain chain = HashChain.open(state, "web-01", CheckpointPolicy.DEFAULT, T0);
        List<String> order = new ArrayList<>();
        int[] writes = {0};
        Output flaky = new SteppedOutput() {
            @Override
            public Future<Void> write(EventBatch batch) {
                return ++writes[0] == 2 ? Future.failedFuture(new java.io.IOException("disk full"))
                        : Future.succeededFuture();
            }
        };
        DeliveryStage stage = new DeliveryStage(vertx, List.of(flaky), chain, 3_600_000);
        Context ctx = vertx.getOrCreateContext();
        stage.bind(ctx, new PipelineMetrics(new SimpleMeterRegistry()));
        CompletableFuture<Void> all = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            List<Future<Void>> f = new ArrayList<>();
            for (int g = 0; g < 3; g++) {
                int n = g;
                Future<Void> ack = stage.deliver(docs(g * 2, 2));
                ack.onComplete(ar -> order.add(n + (ar.succeeded() ? " ok" : " failed")));
                f.add(ack);
            }
            Future.join(f).onComplete(ar -> all.complete(null));
        });
        all.get(10, TimeUnit.SECONDS);
        await(stage.close());
        assertThat(order).containsExactly("0 ok", "1 failed", "2 ok");
        assertThat(headSeq(state)).isEqualTo(6);
    }

    private static DiskBufferConfig bufferConfig(Path dir) {
        return new DiskBufferConfig(dir.resolve("buffer").toString(), 1L << 20, 4096L, "interval", 1000L);
    }

    /** The chain with a committed head at seq 5 (events forwarded before this run), as a restarted daemon has it. */
    private static HashChain chainWithCommittedHead(Path state) throws Exception {
        HashChain chain = HashChain.open(state, "web-01", new CheckpointPolicy(1_000_000, 3_600_000), T0);
        for (byte[] d : docs(-5, 5)) {
            chain.append(d);
        }
        chain.commit();
        return chain;
    }

    private static List<String> chainHashes(List<byte[]> docs) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> hashes = new ArrayList<>();
        for (byte[] d : docs) {
            hashes.add(json.readTree(d).get("chain").get("hash").asText());
        }
        return hashes;
    }

    @Test
    void intoTheBufferBatchesAreAcknowledgedBeforeTheHeadCommitAndACrashThenRecoversTheHeadFromTheBuffer(
            @TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        HashChain chain = chainWithCommittedHead(state);
        DiskBuffer buffer = DiskBuffer.open(bufferConfig(dir), List.of("out"));
        // No commit within the test's time unless closing: the crash below comes before the head covers the batches.
        DeliveryStage stage = intoBuffer(buffer, chain, 3_600_000, new SimpleMeterRegistry());
        Context ctx = boundContext;

        Promise<Future<Void>> acks = Promise.promise();
        ctx.runOnContext(v -> acks.complete(Future.all(stage.deliver(docs(0, 150)), stage.deliver(docs(150, 150)))
                .mapEmpty()));
        await(await(acks.future()));
        assertThat(headSeq(state)).as("acknowledged while the committed head is still the one before them")
                .isEqualTo(5);

        // The output delivers everything, and later records (not chained: another writer's) fill a new segment, so
        // the chained ones sit only in segments every cursor has passed.
        BufferCursor out = buffer.cursor("out");
        List<byte[]> forwarded = new ArrayList<>();
        for (BufferChunk c = out.read(1000, 1 << 20); !c.isEmpty(); c = out.read(1000, 1 << 20)) {
            forwarded.addAll(c.documents());
        }
        assertThat(forwarded).hasSize(300);
        buffer.append(List.of(new byte[3000], new byte[3000])).get(10, TimeUnit.SECONDS);
        out.read(1000, 1 << 20);
        out.commit(buffer.endPosition());
        assertThat(buffer.segmentCount()).as("segments holding the acknowledged, uncommitted events are kept")
                .isGreaterThan(1);

        // kill -9: nothing is closed, the head file still says seq 5.
        buffer.close();
        HashChain reopened = HashChain.open(state, "web-01", new CheckpointPolicy(1_000_000, 3_600_000), T0);
        assertThat(reopened.lastSeq()).isEqualTo(5);
        try (DiskBuffer again = DiskBuffer.openKeepingConsumed(bufferConfig(dir), List.of("out"))) {
            again.forEachRetained(reopened::recover);
        }
        List<String> hashes = chainHashes(forwarded);
        assertThat(reopened.lastSeq()).as("the head is recovered from the buffer: no seq is reused").isEqualTo(305);
        assertThat(reopened.headHash()).isEqualTo(hashes.get(299));
        assertThat(reopened.pollControlEvent(T0)).as("no chain_restart").isNull();
    }

    @Test
    void intoTheBufferCloseCommitsTheHeadAndReleasesWhatTheBufferKept(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        HashChain chain = chainWithCommittedHead(state);
        try (DiskBuffer buffer = DiskBuffer.open(bufferConfig(dir), List.of("out"))) {
            DeliveryStage stage = intoBuffer(buffer, chain, 3_600_000, new SimpleMeterRegistry());
            Context ctx = boundContext;
            Promise<Future<Void>> ack = Promise.promise();
            ctx.runOnContext(v -> ack.complete(stage.deliver(docs(0, 200))));
            await(await(ack.future()));
            BufferCursor out = buffer.cursor("out");
            out.commit(buffer.endPosition());
            assertThat(buffer.segmentCount()).isGreaterThan(1);
            assertThat(headSeq(state)).isEqualTo(5);

            await(stage.close());
            assertThat(headSeq(state)).isEqualTo(205);
            buffer.deleteConsumedSegments();
            assertThat(buffer.segmentCount()).as("once committed, delivered segments go").isEqualTo(1);
        }
    }

    @Test
    void intoTheBufferHeadCommitsFollowWithinTheIntervalWhileRunning(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        HashChain chain = chainWithCommittedHead(state);
        try (DiskBuffer buffer = DiskBuffer.open(bufferConfig(dir), List.of("out"))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DeliveryStage stage = intoBuffer(buffer, chain, 20, registry);
            Context ctx = boundContext;
            for (int g = 0; g < 3; g++) {
                int from = g * 50;
                Promise<Future<Void>> ack = Promise.promise();
                ctx.runOnContext(v -> ack.complete(stage.deliver(docs(from, 50))));
                await(await(ack.future()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (headSeq(state) != 155 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
            assertThat(headSeq(state)).as("committed without a close").isEqualTo(155);
            await(stage.close());
            assertThat(registry.get("redactd.chain.commit.batches").counter().count())
                    .as("every batch acknowledged is covered by a commit").isEqualTo(3.0);
        }
    }

    @Test
    void intoTheBufferAWriteThatFailsAtOnceIsReportedAfterTheWritesBeforeItAndLaterOnesCarryOn(@TempDir Path dir)
            throws Exception {
        Path state = dir.resolve("state");
        HashChain chain = chainWithCommittedHead(state);
        try (DiskBuffer buffer = DiskBuffer.open(bufferConfig(dir), List.of("out"))) {
            DeliveryStage stage = intoBuffer(buffer, chain, 3_600_000, new SimpleMeterRegistry());
            Context ctx = boundContext;
            // The buffer refuses a document larger than a segment at once, while the write before it is pending.
            byte[] tooLarge = ("{\"message\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            Promise<Future<Void>> all = Promise.promise();
            ctx.runOnContext(v -> {
                List<Future<Void>> acks = List.of(stage.deliver(docs(0, 100)), stage.deliver(List.of(tooLarge)),
                        stage.deliver(docs(100, 100)));
                for (int g = 0; g < acks.size(); g++) {
                    int n = g;
                    acks.get(g).onComplete(ar -> order.add(n + (ar.succeeded() ? " ok" : " failed")));
                }
                all.complete(Future.join(acks).transform(ar -> Future.<Void>succeededFuture()));
            });
            await(await(all.future()));
            assertThat(order).containsExactly("0 ok", "1 failed", "2 ok");
            await(stage.close());
            assertThat(headSeq(state)).as("the failed seq is a visible gap, the head goes on").isEqualTo(206);
        }
    }

    @Test
    void aNewStreamThatCrashesBeforeItsFirstHeadCommitRecoversFromTheBufferWithoutARestart(@TempDir Path dir)
            throws Exception {
        Path state = dir.resolve("state");
        HashChain chain = HashChain.open(state, "web-01", new CheckpointPolicy(1_000_000, 3_600_000), T0);
        String stream = chain.stream();
        DiskBuffer buffer = DiskBuffer.open(bufferConfig(dir), List.of("out"));
        DeliveryStage stage = intoBuffer(buffer, chain, 3_600_000, new SimpleMeterRegistry());
        Context ctx = boundContext;
        Promise<Future<Void>> ack = Promise.promise();
        ctx.runOnContext(v -> ack.complete(stage.deliver(docs(0, 100))));
        await(await(ack.future()));
        assertThat(headSeq(state)).isZero();

        // kill -9 before the first head commit; the restart comes a minute later (a new stream would get a new id)
        buffer.close();
        HashChain reopened = HashChain.open(state, "web-01", new CheckpointPolicy(1_000_000, 3_600_000), T0 + 60_000);
        try (DiskBuffer again = DiskBuffer.openKeepingConsumed(bufferConfig(dir), List.of("out"))) {
            again.forEachRetained(reopened::recover);
        }
        assertThat(reopened.stream()).as("the same stream goes on").isEqualTo(stream);
        assertThat(reopened.lastSeq()).isEqualTo(100);
        assertThat(reopened.pollControlEvent(T0 + 60_000)).as("no chain_restart").isNull();
    }

    @Test
    void intoTheBufferHeadCommitsThatFailWhileAWriteWaitsForSpaceAreRetriedAndTheWriteGoesOnOnceTheyWork(
            @TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        HashChain chain = chainWithCommittedHead(state);
        // The head file is written through ".chain-head.json.tmp": a non-empty directory there fails every commit.
        Path blocker = Files.createDirectories(state.resolve("integrity").resolve(".chain-head.json.tmp").resolve("x"));
        DiskBufferConfig small = new DiskBufferConfig(dir.resolve("buffer").toString(), 48L * 1024, 4096L, "interval",
                1000L);
        try (DiskBuffer buffer = DiskBuffer.open(small, List.of("out"))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DeliveryStage stage = intoBuffer(buffer, chain, 20, registry);
            Context ctx = boundContext;
            BufferCursor out = buffer.cursor("out");
            // Two batches fit; the output delivers them, yet the buffer keeps them: no head covers them.
            for (int g = 0; g < 2; g++) {
                int from = g * 60;
                Promise<Future<Void>> ack = Promise.promise();
                ctx.runOnContext(v -> ack.complete(stage.deliver(docs(from, 60))));
                await(await(ack.future()));
            }
            for (BufferChunk c = out.read(1000, 1 << 20); !c.isEmpty(); c = out.read(1000, 1 << 20)) {
                assertThat(c.documents()).isNotEmpty();
            }
            out.commit(buffer.endPosition());
            // The third waits for space, which only a head commit can free.
            Promise<Future<Void>> third = Promise.promise();
            Promise<Double> failuresBefore = Promise.promise();
            ctx.runOnContext(v -> {
                third.complete(stage.deliver(docs(120, 60)));
                failuresBefore.complete(registry.get("redactd.chain.commit.failures").counter().count());
            });
            Future<Void> thirdAck = await(third.future());
            double before = await(failuresBefore.future());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.get("redactd.chain.commit.failures").counter().count() <= before
                    && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
            assertThat(registry.get("redactd.chain.commit.failures").counter().count())
                    .as("a commit failed while the third write was waiting for space").isGreaterThan(before);
            assertThat(thirdAck.isComplete()).as("the buffer is full of events no head covers").isFalse();

            // The state directory works again: the retried commit frees the space and the write completes. One
            // atomic rename unblocks it (deleting the blocker and then its directory raced with a retry that had
            // already removed the emptied directory).
            Files.move(blocker.getParent(), dir.resolve("unblocked"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            await(thirdAck);
            await(stage.close());
            assertThat(headSeq(state)).isEqualTo(185);
        }
    }

}
