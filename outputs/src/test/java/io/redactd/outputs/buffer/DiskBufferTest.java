package io.redactd.outputs.buffer;

import io.redactd.outputs.FillingDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.redactd.outputs.AsyncAssertions.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

class DiskBufferTest {
    @TempDir
    Path dir;

    private DiskBufferConfig config(long maxBytes, long segmentBytes, String fsync) {
        return new DiskBufferConfig(dir.toString(), maxBytes, segmentBytes, fsync, 50L);
    }

    static List<byte[]> docs(int from, int count) {
        List<byte[]> documents = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            documents.add(("{\"seq\":" + i + ",\"message\":\"event number " + i + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        return documents;
    }

    static List<String> readAll(BufferCursor cursor) throws IOException {
        List<String> out = new ArrayList<>();
        while (true) {
            BufferChunk chunk = cursor.read(1000, 1 << 20);
            if (chunk.isEmpty()) {
                return out;
            }
            chunk.documents().forEach(d -> out.add(new String(d, StandardCharsets.UTF_8)));
        }
    }

    @Test
    void cursorsReadIndependentlyAndSegmentsGoOnlyWhenEveryCursorPassed() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "always"), List.of("es", "hec"))) {
            for (int i = 0; i < 10; i++) {
                buffer.append(docs(i * 100, 100)).get(5, TimeUnit.SECONDS);
            }
            assertThat(buffer.segmentCount()).isGreaterThan(10);
            BufferCursor es = buffer.cursor("es");
            List<String> all = readAll(es);
            assertThat(all).hasSize(1000).first().asString().contains("\"seq\":0,");
            assertThat(all.get(999)).contains("\"seq\":999,");
            es.commit(es.readPosition());
            // "hec" has not moved: nothing may be deleted yet.
            int before = buffer.segmentCount();
            assertThat(before).isGreaterThan(10);

            BufferCursor hec = buffer.cursor("hec");
            BufferChunk firstHalf = hec.read(500, 1 << 20);
            assertThat(firstHalf.documents()).hasSize(500);
            hec.commit(firstHalf.endPosition());
            assertThat(buffer.segmentCount()).isLessThan(before).isGreaterThan(1);
            assertThat(hec.lagBytes()).isPositive();
            assertThat(es.lagBytes()).isZero();
            List<String> rest = readAll(hec);
            assertThat(rest).hasSize(500).first().asString().contains("\"seq\":500,");
        }
    }

    @Test
    void fullBufferHoldsTheAppendUntilACursorFreesSpace() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 64 * 1024, "interval"), List.of("slow"))) {
            byte[] big = new byte[8000];
            java.util.Arrays.fill(big, (byte) 'x');
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 160; i++) { // ~1.25 MiB > 1 MiB cap
                futures.add(buffer.append(List.of(big)));
            }
            CompletableFuture<Void> last = futures.get(futures.size() - 1);
            futures.get(100).get(5, TimeUnit.SECONDS);
            // Poll rather than sleep: the last append must stay pending while nothing is committed.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < deadline) {
                assertThat(last).isNotDone();
                Thread.onSpinWait();
            }
            assertThat(buffer.sizeBytes()).isLessThanOrEqualTo(1 << 20);

            BufferCursor slow = buffer.cursor("slow");
            int received = 0;
            while (!last.isDone() || received < 160) {
                BufferChunk chunk = slow.read(10, 1 << 20);
                received += chunk.documents().size();
                if (!chunk.isEmpty()) {
                    slow.commit(chunk.endPosition());
                }
                assertThat(System.nanoTime() - deadline).isLessThan(TimeUnit.SECONDS.toNanos(10));
            }
            last.get(5, TimeUnit.SECONDS);
            assertThat(received).isEqualTo(160);
        }
    }

    @Test
    void tornTailIsCutAndCountedAndTheRestReplays() throws Exception {
        long committedAfter;
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 256 * 1024, "always"), List.of("out"))) {
            buffer.append(docs(0, 50)).get(5, TimeUnit.SECONDS);
            BufferCursor out = buffer.cursor("out");
            BufferChunk first = out.read(10, 1 << 20);
            out.commit(first.endPosition());
            committedAfter = first.endPosition();
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        long validSize = Files.size(segment);
        // A write cut short by a crash: a header promising 100 bytes, then only 7 of them.
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer torn = ByteBuffer.allocate(16 + 7).putInt(100).putInt(12345).putLong(1L).put("partial".getBytes());
            channel.write(torn.flip());
        }
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 256 * 1024, "always"), List.of("out"))) {
            assertThat(buffer.tornTailsTruncated()).isEqualTo(1);
            assertThat(buffer.truncatedBytes()).isEqualTo(23);
            assertThat(Files.size(segment)).isEqualTo(validSize);
            BufferCursor out = buffer.cursor("out");
            assertThat(out.committedPosition()).isEqualTo(committedAfter);
            List<String> rest = readAll(out);
            assertThat(rest).hasSize(40).first().asString().contains("\"seq\":10,");
            buffer.append(docs(50, 1)).get(5, TimeUnit.SECONDS);
            assertThat(readAll(out)).singleElement().asString().contains("\"seq\":50,");
        }
    }

    @Test
    void flippedPayloadByteFailsTheCrcAndIsNotDelivered() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 256 * 1024, "always"), List.of("out"))) {
            buffer.append(docs(0, 3)).get(5, TimeUnit.SECONDS);
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x01; // inside the last record's payload
        Files.write(segment, bytes);
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 256 * 1024, "always"), List.of("out"))) {
            assertThat(buffer.tornTailsTruncated()).isEqualTo(1);
            assertThat(readAll(buffer.cursor("out"))).hasSize(2);
        }
    }

    @Test
    void cursorOfARemovedOutputIsDroppedAndNewCursorStartsAtOldestRecord() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "always"), List.of("old", "keep"))) {
            buffer.append(docs(0, 20)).get(5, TimeUnit.SECONDS);
            BufferCursor keep = buffer.cursor("keep");
            keep.commit(keep.read(5, 1 << 20).endPosition());
        }
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "always"), Set.of("keep", "added"))) {
            assertThat(dir.resolve("cursors/old.cursor")).doesNotExist();
            assertThat(readAll(buffer.cursor("keep"))).hasSize(15);
            assertThat(readAll(buffer.cursor("added"))).hasSize(20);
        }
    }

    @Test
    void oversizedDocumentIsRefusedWithoutTouchingTheBuffer() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "always"), List.of("out"))) {
            CompletableFuture<Void> refused = buffer.append(List.of(new byte[5000]));
            assertThat(refused).isCompletedExceptionally();
            assertThat(buffer.endPosition()).isZero();
        }
    }

    @Test
    void appendAtReportsWhereEachAppendEnds() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"))) {
            long first = buffer.appendAt(docs(0, 30)).get(5, TimeUnit.SECONDS);
            long second = buffer.appendAt(docs(30, 270)).get(5, TimeUnit.SECONDS);
            assertThat(buffer.segmentCount()).as("the appends span several segments").isGreaterThan(2);
            assertThat(second).isEqualTo(buffer.endPosition()).isGreaterThan(first);
            BufferChunk firstAppend = buffer.cursor("out").read(30, 1 << 20);
            assertThat(firstAppend.documents()).hasSize(30);
            assertThat(firstAppend.endPosition()).isEqualTo(first);
            assertThat(buffer.appendAt(List.of()).get(5, TimeUnit.SECONDS)).isEqualTo(second);
        }
    }

    @Test
    void aRetainedRangeOutlivesItsDeliveryUntilReleased() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"))) {
            long committed = buffer.appendAt(docs(0, 100)).get(5, TimeUnit.SECONDS);
            long acknowledged = buffer.appendAt(docs(100, 100)).get(5, TimeUnit.SECONDS);
            buffer.retain(committed, acknowledged);
            buffer.append(docs(200, 100)).get(5, TimeUnit.SECONDS);
            BufferCursor out = buffer.cursor("out");
            readAll(out);
            out.commit(out.readPosition());

            // Every record was delivered; the segments before the retained range went, the rest stayed.
            List<String> kept = new ArrayList<>();
            buffer.forEachRetained(d -> kept.add(new String(d, StandardCharsets.UTF_8)));
            assertThat(kept).anyMatch(d -> d.contains("\"seq\":100,")).anyMatch(d -> d.contains("\"seq\":199,"))
                    .noneMatch(d -> d.contains("\"seq\":0,"));

            buffer.retain(acknowledged, acknowledged);
            buffer.deleteConsumedSegments();
            kept.clear();
            buffer.forEachRetained(d -> kept.add(new String(d, StandardCharsets.UTF_8)));
            assertThat(kept).as("released: only the segment being written is left").isNotEmpty()
                    .noneMatch(d -> d.contains("\"seq\":150,"));
            assertThat(buffer.segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void openKeepingConsumedDeletesNothingUntilAsked() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "always"), List.of("out"))) {
            buffer.append(docs(0, 100)).get(5, TimeUnit.SECONDS);
            // Delivered while retained (say, by the chain, which then crashed before releasing them).
            buffer.retain(0, buffer.endPosition());
            buffer.cursor("out").commit(buffer.endPosition());
            assertThat(buffer.segmentCount()).isGreaterThan(1);
        }
        try (DiskBuffer buffer = DiskBuffer.openKeepingConsumed(config(1 << 20, 4096, "always"), List.of("out"))) {
            List<String> kept = new ArrayList<>();
            buffer.forEachRetained(d -> kept.add(new String(d, StandardCharsets.UTF_8)));
            assertThat(kept).hasSize(100);
            buffer.deleteConsumedSegments();
            assertThat(buffer.segmentCount()).isEqualTo(1);
        }
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "always"), List.of("out"))) {
            assertThat(buffer.segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void withIntervalFsyncAppendsCompleteWhileTheDiskIsStillSyncing() throws Exception {
        CountDownLatch syncing = new CountDownLatch(1);
        CountDownLatch diskDone = new CountDownLatch(1);
        DiskBuffer.Fsync slowDisk = channel -> {
            syncing.countDown();
            try {
                diskDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel.force(false);
        };
        DiskBufferConfig interval = new DiskBufferConfig(dir.toString(), 64L << 20, 16L << 20, "interval", 20L);
        try (DiskBuffer buffer = DiskBuffer.open(interval, List.of("out"), slowDisk)) {
            buffer.append(docs(0, 100)).get(5, TimeUnit.SECONDS);
            assertThat(syncing.await(5, TimeUnit.SECONDS)).as("an interval fsync started").isTrue();
            // The fsync has not returned; appends are acknowledged and readable all the same.
            for (int i = 1; i <= 10; i++) {
                buffer.append(docs(i * 100, 100)).get(5, TimeUnit.SECONDS);
            }
            assertThat(readAll(buffer.cursor("out"))).hasSize(1100);
            assertThat(diskDone.getCount()).isEqualTo(1);
            diskDone.countDown();
        }
    }

    @Test
    void withIntervalFsyncWhatWasWrittenIsFsyncedWithinTheInterval() throws Exception {
        AtomicLong fileBytesAtSync = new AtomicLong();
        CountDownLatch covered = new CountDownLatch(1);
        AtomicLong expected = new AtomicLong(Long.MAX_VALUE);
        DiskBuffer.Fsync disk = channel -> {
            channel.force(false);
            fileBytesAtSync.set(channel.size());
            if (channel.size() >= expected.get()) {
                covered.countDown();
            }
        };
        DiskBufferConfig interval = new DiskBufferConfig(dir.toString(), 64L << 20, 16L << 20, "interval", 50L);
        try (DiskBuffer buffer = DiskBuffer.open(interval, List.of("out"), disk)) {
            long end = buffer.appendAt(docs(0, 100)).get(5, TimeUnit.SECONDS);
            // a fresh buffer's first segment starts at position 0: its file holds `end` bytes once they are written
            expected.set(end);
            assertThat(covered.await(5, TimeUnit.SECONDS)).as("fsynced through %d, last seen %d", end,
                    fileBytesAtSync.get()).isTrue();
        }
    }

    @Test
    void closedSegmentsEveryCursorPassedBeforeTheIntervalFsyncAreNeverSynced() throws Exception {
        List<Long> syncedSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        DiskBuffer.Fsync disk = channel -> {
            channel.force(false);
            syncedSizes.add(channel.size());
        };
        DiskBufferConfig slowSync = new DiskBufferConfig(dir.toString(), 1L << 20, 4096L, "interval", 3_600_000L);
        try (DiskBuffer buffer = DiskBuffer.open(slowSync, List.of("out"), disk)) {
            for (int i = 0; i < 6; i++) {
                buffer.append(docs(i * 50, 50)).get(5, TimeUnit.SECONDS);
            }
            assertThat(buffer.segmentCount()).as("several rolls").isGreaterThan(3);
            BufferCursor out = buffer.cursor("out");
            assertThat(readAll(out)).hasSize(300);
            out.commit(out.readPosition());
            assertThat(buffer.segmentCount()).as("only the active segment is left").isEqualTo(1);
            buffer.close();
            assertThat(syncedSizes).as("one fsync in all: the active segment's, at close").hasSize(1);
        }
    }

    @Test
    void closedSegmentsStillNeededAreSyncedByTheNextIntervalFsync() throws Exception {
        java.util.Set<FileChannel> synced = java.util.concurrent.ConcurrentHashMap.newKeySet();
        DiskBuffer.Fsync disk = channel -> {
            channel.force(false);
            synced.add(channel);
        };
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"), disk)) {
            for (int i = 0; i < 6; i++) {
                buffer.append(docs(i * 50, 50)).get(5, TimeUnit.SECONDS);
            }
            int segments = buffer.segmentCount();
            assertThat(segments).isGreaterThan(3);
            // Nothing was read, so every segment (closed and active) must reach the disk within the 50 ms interval,
            // with no further append to prompt it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (synced.size() < segments) {
                assertThat(System.nanoTime()).as("segments synced by the interval fsync").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aFailedBackgroundFsyncStopsTheBufferTakingAppendsAndSaysWhy() throws Exception {
        DiskBuffer.Fsync failingDisk = channel -> {
            throw new IOException("injected EIO");
        };
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"), failingDisk)) {
            buffer.append(docs(0, 10)).get(5, TimeUnit.SECONDS);
            // Within the 50 ms interval the syncer's fsync fails; from then on appends fail, naming the cause.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Throwable refused = null;
            for (int i = 10; refused == null; i += 10) {
                assertThat(System.nanoTime()).as("appends refused after the failed fsync").isLessThan(deadline);
                try {
                    buffer.append(docs(i, 10)).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    refused = e.getCause();
                }
            }
            assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("failed fsync")
                    .hasMessageContaining("injected EIO");
            // What it holds is still readable and delivered.
            assertThat(readAll(buffer.cursor("out"))).isNotEmpty().first().asString().contains("\"seq\":0,");
        }
    }

    @Test
    void aClosedSegmentThatLostItsUnsyncedTailLeavesAHoleAndTheLaterSegmentsStillReplay() throws Exception {
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"))) {
            buffer.append(docs(0, 300)).get(5, TimeUnit.SECONDS);
        }
        List<Path> segmentFiles;
        try (Stream<Path> files = Files.list(dir)) {
            segmentFiles = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
        assertThat(segmentFiles).hasSizeGreaterThan(3);
        // A power cut before the interval fsync: the kernel had written the second segment's first half only (the
        // cut lands inside a record), but the third segment entirely.
        Path second = segmentFiles.get(1);
        try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        try (DiskBuffer buffer = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"))) {
            assertThat(buffer.tornTailsTruncated()).isEqualTo(1);
            List<Integer> seqs = readAll(buffer.cursor("out")).stream()
                    .map(d -> Integer.parseInt(d.substring(d.indexOf(':') + 1, d.indexOf(',')))).toList();
            assertThat(seqs).as("in order, the first and the last present").isSorted().startsWith(0).endsWith(299);
            assertThat(seqs.size()).as("a hole where the second segment lost its tail").isLessThan(300);
            int hole = 0;
            while (seqs.get(hole + 1) == seqs.get(hole) + 1) {
                hole++;
            }
            assertThat(seqs.subList(hole + 1, seqs.size())).as("everything after the hole is there")
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(seqs.get(hole + 1), 300).boxed().toList());
            buffer.append(docs(300, 1)).get(5, TimeUnit.SECONDS);
            assertThat(readAll(buffer.cursor("out"))).singleElement().asString().contains("\"seq\":300,");
        }
    }
    private long segmentBytesOnDisk() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".seg"))::iterator) {
                total += Files.size(f);
            }
            return total;
        }
    }

    private DiskBuffer onDisk(FillingDisk disk, String fsync) throws IOException {
        return DiskBuffer.openOn(config(1 << 20, 4096, fsync), List.of("out"), path -> disk.wrap(FileChannel.open(path,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)));
    }

    @Test
    void aFullDiskHoldsAppendsWithoutPartialRecordsAndTheyGoOnWhenSpaceIsBack() throws Exception {
        FillingDisk disk = new FillingDisk();
        List<String> expected = new ArrayList<>();
        docs(0, 300).forEach(d -> expected.add(new String(d, StandardCharsets.UTF_8)));
        try (DiskBuffer buffer = onDisk(disk, "interval")) {
            buffer.append(docs(0, 100)).get(5, TimeUnit.SECONDS);
            long before = buffer.endPosition();
            // ~6 KB of records, 4 KB segments: the disk fills in the middle of a record, in a flush
            disk.limit(1000);
            CompletableFuture<Void> held = buffer.append(docs(100, 100));
            waitFor("the buffer to say the disk refuses writes", () -> buffer.problem() != null);
            assertThat(disk.refusals()).isPositive();
            CompletableFuture<Void> behind = buffer.append(docs(200, 100));
            assertThat(buffer.problem()).contains("No space left on device").contains("appends wait");
            // The bytes that did fit are cut off again: the segment files hold whole records only (a crash now
            // leaves nothing to cut) and readers see nothing of the held append.
            waitFor("the partial write to be cut off", () -> {
                try {
                    return segmentBytesOnDisk() == before;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertThat(buffer.endPosition()).isEqualTo(before);
            assertThat(held).isNotDone();
            assertThat(behind).isNotDone();
            assertThat(readAll(buffer.cursor("out"))).isEqualTo(expected.subList(0, 100));
            disk.free();
            held.get(10, TimeUnit.SECONDS);
            behind.get(10, TimeUnit.SECONDS);
            assertThat(buffer.problem()).isNull();
            assertThat(readAll(buffer.cursor("out"))).isEqualTo(expected.subList(100, 300));
        }
        try (DiskBuffer reopened = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"))) {
            assertThat(reopened.tornTailsTruncated()).isZero();
            assertThat(readAll(reopened.cursor("out"))).isEqualTo(expected);
        }
    }

    @Test
    void closingWhileTheDiskIsFullFailsTheHeldAppendInsteadOfHanging() throws Exception {
        FillingDisk disk = new FillingDisk();
        DiskBuffer buffer = onDisk(disk, "always");
        disk.limit(0);
        CompletableFuture<Void> held = buffer.append(docs(0, 10));
        waitFor("the disk to refuse a write", () -> disk.refusals() > 0);
        buffer.close();
        assertThat(held).failsWithin(10, TimeUnit.SECONDS);
    }
    @Test
    void whileThePartialWriteCannotBeCutOffNothingIsWrittenAfterIt() throws Exception {
        FillingDisk disk = new FillingDisk();
        List<String> expected = new ArrayList<>();
        docs(0, 200).forEach(d -> expected.add(new String(d, StandardCharsets.UTF_8)));
        try (DiskBuffer buffer = onDisk(disk, "interval")) {
            buffer.append(docs(0, 100)).get(5, TimeUnit.SECONDS);
            long before = buffer.endPosition();
            disk.failTruncate(true);
            disk.limit(1000);
            CompletableFuture<Void> held = buffer.append(docs(100, 100));
            waitFor("a failed cut", () -> disk.truncateFailures() > 0);
            long torn = segmentBytesOnDisk();
            assertThat(torn).isEqualTo(before + 1000);
            disk.free();
            // space is back, the cut still fails: the writer keeps trying the cut and writes nothing after the fragment
            int seen = disk.truncateFailures();
            waitFor("two more attempts at the cut", () -> disk.truncateFailures() >= seen + 2);
            assertThat(held).isNotDone();
            assertThat(segmentBytesOnDisk()).isEqualTo(torn);
            assertThat(buffer.problem()).isNotNull();
            disk.failTruncate(false);
            held.get(20, TimeUnit.SECONDS);
            assertThat(readAll(buffer.cursor("out"))).isEqualTo(expected);
        }
        try (DiskBuffer reopened = DiskBuffer.open(config(1 << 20, 4096, "interval"), List.of("out"))) {
            assertThat(reopened.tornTailsTruncated()).isZero();
            assertThat(readAll(reopened.cursor("out"))).isEqualTo(expected);
        }
    }

    /** A disk of {@code capacity} bytes holding every segment file (a small tmpfs state dir). */
    private DiskBuffer onSmallDisk(FillingDisk disk, long segmentBytes) throws IOException {
        return DiskBuffer.openOn(config(1 << 20, segmentBytes, "interval"), List.of("out"),
                path -> disk.wrap(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)));
    }

    /** Appends while the output reads and commits all it can, until the append is written (or 10 s pass). */
    private static void appendWhileDelivering(DiskBuffer buffer, List<byte[]> batch, List<String> delivered)
            throws Exception {
        BufferCursor out = buffer.cursor("out");
        CompletableFuture<Void> written = buffer.append(batch);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            delivered.addAll(readAll(out));
            out.commit(out.readPosition());
            try {
                written.get(20, TimeUnit.MILLISECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                assertThat(System.nanoTime()).as("append still waiting for disk space: %s", buffer.problem())
                        .isLessThan(deadline);
            }
        }
        delivered.addAll(readAll(out));
        out.commit(out.readPosition());
    }

    @Test
    void aDiskSmallerThanOneSegmentRollsTheDeliveredActiveSegmentAwayInsteadOfWaitingForever() throws Exception {
        // 64 KiB segments on an 8 KiB disk (the default 64 MiB segments on an 8 MB tmpfs): the active segment alone
        // fills the disk while the output has every record of it. Only closed segments used to be reclaimed.
        FillingDisk disk = FillingDisk.ofCapacity(8192);
        List<String> expected = new ArrayList<>();
        List<String> delivered = new ArrayList<>();
        long end;
        try (DiskBuffer buffer = onSmallDisk(disk, 64 << 10)) {
            for (int round = 0; round < 40; round++) { // ~120 KB of records through an 8 KiB disk
                List<byte[]> batch = docs(round * 50, 50);
                batch.forEach(d -> expected.add(new String(d, StandardCharsets.UTF_8)));
                appendWhileDelivering(buffer, batch, delivered);
            }
            assertThat(disk.refusals()).as("the disk filled up").isPositive();
            assertThat(delivered).isEqualTo(expected); // in order, each once, no torn record
            assertThat(buffer.problem()).isNull();
            assertThat(segmentBytesOnDisk()).isLessThanOrEqualTo(8192);
            end = buffer.endPosition();
        }
        // Positions survive the rolls: the cursor is at the end, nothing is read twice, the next append follows on.
        try (DiskBuffer reopened = DiskBuffer.open(config(1 << 20, 64 << 10, "interval"), List.of("out"))) {
            assertThat(reopened.tornTailsTruncated()).isZero();
            assertThat(reopened.endPosition()).isEqualTo(end);
            assertThat(readAll(reopened.cursor("out"))).isEmpty();
            reopened.append(docs(5000, 1)).get(5, TimeUnit.SECONDS);
            assertThat(readAll(reopened.cursor("out"))).singleElement().asString().contains("\"seq\":5000,");
        }
    }

    @Test
    void aFullActiveSegmentIsNotRolledAwayWhileACursorOrTheRetainedRangeStillNeedsIt() throws Exception {
        FillingDisk disk = FillingDisk.ofCapacity(4096);
        try (DiskBuffer buffer = onSmallDisk(disk, 64 << 10)) {
            BufferCursor out = buffer.cursor("out");
            buffer.append(docs(0, 50)).get(5, TimeUnit.SECONDS); // ~3 KB
            List<String> first = readAll(out);
            out.commit(out.readPosition());
            buffer.retain(0, Long.MAX_VALUE); // the chain's head does not cover these yet
            CompletableFuture<Void> held = buffer.append(docs(50, 50));
            waitFor("the disk to refuse a write", () -> buffer.problem() != null);
            int refusals = disk.refusals();
            waitFor("two more attempts", () -> disk.refusals() >= refusals + 2);
            assertThat(held).isNotDone();
            assertThat(buffer.segmentCount()).isOne();
            buffer.retain(buffer.endPosition(), Long.MAX_VALUE); // the head commit covered them: now it may go
            held.get(10, TimeUnit.SECONDS);
            assertThat(first).hasSize(50);
            assertThat(readAll(out)).hasSize(50).first().asString().contains("\"seq\":50,");
        }
    }
}
