package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.SplitContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TailerTest {

    @TempDir
    Path dir;

    /** A line as the tailer handed it on. */
    record Line(String text, long start, long end, int flags) {
    }

    private static final class Recorder implements Tailer.Lines {
        final List<Line> lines = new ArrayList<>();
        int stopAfter = Integer.MAX_VALUE;

        @Override
        public boolean line(byte[] buf, int off, int len, long start, long end, int flags) {
            lines.add(new Line(new String(buf, off, len, StandardCharsets.ISO_8859_1), start, end, flags));
            return lines.size() < stopAfter;
        }
    }

    /** A piece with its context, as text. */
    record Piece(String before, String text, String after, long start, long end, int flags) {
    }

    /** Records pieces with their context (and whole lines with empty context). */
    private static final class ContextRecorder implements Tailer.Lines {
        final List<Piece> pieces = new ArrayList<>();

        @Override
        public boolean line(byte[] buf, int off, int len, long start, long end, int flags) {
            pieces.add(new Piece("", new String(buf, off, len, StandardCharsets.ISO_8859_1), "", start, end, flags));
            return true;
        }

        @Override
        public boolean piece(byte[] buf, int off, int len, long start, long end, int flags, SplitContext c) {
            pieces.add(new Piece(new String(c.before(), StandardCharsets.ISO_8859_1),
                    new String(buf, off, len, StandardCharsets.ISO_8859_1),
                    new String(c.after(), StandardCharsets.ISO_8859_1), start, end, flags));
            return true;
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.ISO_8859_1, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return p;
    }

    @Test
    void splitsLinesOnBytesStripsCrAndKeepsAPartialLastLine() throws IOException {
        Path p = write("a.log", "a\r\nbb\n\nccc");
        try (Tailer t = Tailer.open(p, 100)) {
            Recorder r = new Recorder();
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.EOF);
            assertThat(r.lines).containsExactly(new Line("a", 0, 3, 0), new Line("bb", 3, 6, 0),
                    new Line("", 6, 7, 0));
            assertThat(t.lineOffset()).isEqualTo(7);
            write("a.log", "c\n");
            t.read(r);
            assertThat(r.lines.get(3)).isEqualTo(new Line("cccc", 7, 12, 0));
            write("a.log", "tail without newline");
            t.read(r);
            assertThat(r.lines).hasSize(4);
            assertThat(t.flushPartial(r)).isTrue();
            assertThat(r.lines.get(4)).isEqualTo(new Line("tail without newline", 12, 32, Tailer.UNTERMINATED));
        }
    }

    @Test
    void longLinesAreHandedOnInFlaggedPiecesAndALineOfExactlyTheMaximumIsNot() throws IOException {
        Path p = write("a.log", "x".repeat(25) + "\n" + "y".repeat(10) + "\nz\n");
        try (Tailer t = Tailer.open(p, 10)) {
            Recorder r = new Recorder();
            t.read(r);
            assertThat(r.lines).containsExactly(
                    new Line("x".repeat(10), 0, 10, Tailer.SPLIT),
                    new Line("x".repeat(10), 10, 20, Tailer.SPLIT),
                    new Line("x".repeat(5), 20, 26, Tailer.SPLIT),
                    new Line("y".repeat(10), 26, 37, 0),
                    new Line("z", 37, 39, 0));
        }
    }

    @Test
    void linesCrossingChunkBoundariesAreWholeAndAStopResumesAtTheNextLine() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append(String.format("%04d", i)).append("-".repeat(995)).append('\n');
        }
        Path p = write("a.log", text.toString());
        try (Tailer t = Tailer.open(p, 65536)) {
            Recorder r = new Recorder();
            r.stopAfter = 100;
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.MORE);
            assertThat(r.lines).hasSize(100);
            r.stopAfter = Integer.MAX_VALUE;
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.EOF);
            assertThat(r.lines).hasSize(500);
            for (int i = 0; i < 500; i++) {
                Line l = r.lines.get(i);
                assertThat(l.text()).startsWith(String.format("%04d", i)).hasSize(999);
                assertThat(l.start()).isEqualTo(i * 1000L);
                assertThat(l.end()).isEqualTo((i + 1) * 1000L);
            }
        }
    }

    @Test
    void detectsAShrunkFileAndATruncatedFileThatRegrewPastTheOffset() throws IOException {
        Path p = write("a.log", "first line of the old content\nsecond\n");
        try (Tailer t = Tailer.open(p, 100)) {
            Recorder r = new Recorder();
            t.read(r);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            write("a.log", "new\n");
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.TRUNCATED);
            assertThat(t.truncations()).isEqualTo(1);
            assertThat(t.lastTruncation().resumeOffset()).isEqualTo(37);
            t.read(r);
            assertThat(r.lines.get(r.lines.size() - 1)).isEqualTo(new Line("new", 0, 4, 0));

            // Truncated again, and rewritten past our offset before we look: only the head tells.
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            write("a.log", "other content that is longer than four bytes\n");
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.TRUNCATED);
            assertThat(t.lastTruncation().resumeOffset()).isEqualTo(4);
            t.read(r);
            assertThat(r.lines.get(r.lines.size() - 1).text()).isEqualTo("other content that is longer than four bytes");
        }
    }

    @Test
    void keepsReadingAFileAfterItIsRenamedAndAfterItIsDeleted() throws IOException {
        Path p = write("a.log", "1\n");
        try (Tailer t = Tailer.open(p, 100)) {
            Recorder r = new Recorder();
            t.read(r);
            Path moved = dir.resolve("a.log.1");
            Files.move(p, moved);
            write("a.log.1", "2\n");
            t.read(r);
            try (FileChannel ch = FileChannel.open(moved, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                Files.delete(moved);
                ch.write(java.nio.ByteBuffer.wrap("3\n".getBytes(StandardCharsets.US_ASCII)));
            }
            t.read(r);
            assertThat(r.lines).extracting(Line::text).containsExactly("1", "2", "3");
        }
    }

    @Test
    void linesOfEveryLengthAroundTheWordSizeAreSplitWhereTheirNewlineIs() throws IOException {
        // The newline search tests 8 bytes at a time: lines of 0..40 bytes (so newlines fall at every position of a
        // word and every alignment), with bytes that look like a newline to a careless test (0x0B, 0x8A, 0x09).
        StringBuilder text = new StringBuilder();
        List<Line> expected = new ArrayList<>();
        long at = 0;
        String filler = "a\u000b\u008a\tb";
        for (int round = 0; round < 3; round++) {
            for (int len = 0; len <= 40; len++) {
                StringBuilder line = new StringBuilder();
                for (int k = 0; k < len; k++) {
                    line.append(filler.charAt((k + round) % filler.length()));
                }
                text.append(line).append('\n');
                expected.add(new Line(line.toString(), at, at + len + 1, 0));
                at += len + 1;
            }
        }
        Path p = write("w.log", text.toString());
        try (Tailer t = Tailer.open(p, 1000)) {
            Recorder r = new Recorder();
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.EOF);
            assertThat(r.lines).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void eachPieceCarriesTheBytesAroundItWhateverTheChunksAndTheEnd() throws IOException {
        int k = Tailer.CONTEXT;
        int max = 1000;
        // Lines of several lengths around multiples of the maximum, bytes numbered so any misplaced byte shows;
        // the file is longer than one read chunk so pieces straddle chunks too.
        StringBuilder text = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (int len : new int[]{max * 3 + 7, max + 1, max, max + k, max + k - 1, max + k + 1, 70_000, 5, max * 2}) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < len; i++) {
                line.append((char) ('a' + (i * 7 + len) % 26));
            }
            lines.add(line.toString());
            text.append(line).append(len == 5 ? "\r\n" : "\n");
        }
        text.append("y".repeat(max + 10)); // unterminated, split
        Path p = write("ctx.log", text.toString());
        try (Tailer t = Tailer.open(p, max)) {
            ContextRecorder r = new ContextRecorder();
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.EOF);
            assertThat(t.flushPartial(r)).isTrue();
            lines.add("y".repeat(max + 10));
            int at = 0;
            for (String line : lines) {
                StringBuilder joined = new StringBuilder();
                int from = 0;
                do {
                    Piece piece = r.pieces.get(at++);
                    int to = Math.min(line.length(), from + max);
                    assertThat(piece.text()).isEqualTo(line.substring(from, to));
                    if (line.length() > max) {
                        assertThat(piece.flags() & Tailer.SPLIT).isEqualTo(Tailer.SPLIT);
                        assertThat(piece.before()).isEqualTo(line.substring(Math.max(0, from - k), from));
                        assertThat(piece.after()).isEqualTo(line.substring(to, Math.min(line.length(), to + k)));
                    } else {
                        assertThat(piece.flags() & Tailer.SPLIT).isZero();
                    }
                    joined.append(piece.text());
                    from = to;
                } while (from < line.length());
                assertThat(joined.toString()).isEqualTo(line);
            }
            assertThat(r.pieces).hasSize(at);
            assertThat(r.pieces.get(at - 1).flags()).isEqualTo(Tailer.SPLIT | Tailer.UNTERMINATED);
        }
    }

    @Test
    void resumingInTheMiddleOfALineReadsItsContextBack() throws IOException {
        String line = "x".repeat(600) + "0123456789" + "z".repeat(100);
        Path p = write("r.log", "first\n" + line + "\n");
        try (Tailer t = Tailer.open(p, 100)) {
            t.seek(6 + 610); // just after "x...0123456789": a split piece's end, as a checkpoint keeps it
            ContextRecorder r = new ContextRecorder();
            t.read(r);
            assertThat(r.pieces).containsExactly(new Piece(line.substring(610 - Tailer.CONTEXT, 610),
                    "z".repeat(100), "", 616, 6 + line.length() + 1, Tailer.SPLIT));
        }
        try (Tailer t = Tailer.open(p, 100)) {
            t.seek(6); // at a line start: nothing to read back
            ContextRecorder r = new ContextRecorder();
            t.read(r);
            assertThat(r.pieces.get(0).before()).isEmpty();
            assertThat(r.pieces.get(0).start()).isEqualTo(6);
        }
    }

    @Test
    void aTruncationHandsOnHeldPiecesAndKeepsTheContextOfTheRest() throws IOException {
        Path p = write("t.log", "a".repeat(150) + "b".repeat(60));
        try (Tailer t = Tailer.open(p, 100)) {
            ContextRecorder r = new ContextRecorder();
            t.read(r);
            assertThat(r.pieces).isEmpty(); // held: fewer than CONTEXT bytes follow the first piece
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            assertThat(t.read(r)).isEqualTo(Tailer.Outcome.TRUNCATED);
            assertThat(r.pieces).containsExactly(
                    new Piece("", "a".repeat(100), "a".repeat(50) + "b".repeat(60), 0, 100, Tailer.SPLIT),
                    new Piece("a".repeat(100), "a".repeat(50) + "b".repeat(50), "b".repeat(10), 100, 200, Tailer.SPLIT));
            Tailer.Truncation tr = t.lastTruncation();
            assertThat(tr.resumeOffset()).isEqualTo(200);
            assertThat(new String(tr.partial(), StandardCharsets.ISO_8859_1)).isEqualTo("b".repeat(10));
            assertThat(tr.partialFlags()).isEqualTo(Tailer.SPLIT);
            assertThat(new String(tr.partialContext().before(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("a".repeat(150) + "b".repeat(50));
        }
    }

    /**
     * Bytes in arrays the tailer holds itself (its own fields), not counting the shared chunk: what an idle file
     * costs. A 64 KiB buffer per file made 7,000 idle files fill a 512 MiB heap.
     */
    private static long ownBytes(Tailer t, ReadBuffer shared) throws IllegalAccessException {
        long bytes = 0;
        for (java.lang.reflect.Field f : Tailer.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Object v = f.get(t);
            if (v instanceof byte[] b) {
                bytes += b.length;
            } else if (v instanceof ReadBuffer rb) {
                assertThat(rb).as("the chunk is the reading thread's, shared").isSameAs(shared);
            }
        }
        return bytes;
    }

    @Test
    void anIdleTailerHoldsNoReadBufferOnlyItsUnfinishedLineAndHead() throws Exception {
        ReadBuffer shared = new ReadBuffer();
        Path a = write("a.log", "x".repeat(99) + "\n" + ("y".repeat(999) + "\n").repeat(200) + "partial");
        Path b = write("b.log", "z".repeat(5000) + "\n");
        try (Tailer ta = Tailer.open(a, 65536, shared); Tailer tb = Tailer.open(b, 65536, shared)) {
            Recorder r = new Recorder();
            assertThat(ta.read(r)).isEqualTo(Tailer.Outcome.EOF);
            assertThat(tb.read(r)).isEqualTo(Tailer.Outcome.EOF);
            assertThat(r.lines).hasSize(202);
            // The 256-byte head it was fingerprinted by, and the 7 bytes of its unfinished line: nothing else.
            assertThat(ownBytes(ta, shared)).isEqualTo(256 + 7);
            assertThat(ownBytes(tb, shared)).isEqualTo(256);
            Files.writeString(a, " line\n", StandardOpenOption.APPEND);
            assertThat(ta.read(r)).isEqualTo(Tailer.Outcome.EOF);
            assertThat(r.lines.get(202).text()).isEqualTo("partial line");
            assertThat(ownBytes(ta, shared)).isEqualTo(256);
        }
    }

    @Test
    void filesSharingTheChunkResumeTheirOwnBytesWhenAnotherReadInBetween() throws IOException {
        ReadBuffer shared = new ReadBuffer();
        StringBuilder ta = new StringBuilder();
        StringBuilder tb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            ta.append(String.format("a%04d", i)).append("-".repeat(494)).append('\n');
            tb.append(String.format("b%04d", i)).append("+".repeat(294)).append('\n');
        }
        Path a = write("a.log", ta.toString());
        Path b = write("b.log", tb.toString());
        try (Tailer x = Tailer.open(a, 65536, shared); Tailer y = Tailer.open(b, 65536, shared)) {
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            // Both stop in the middle of a chunk, alternately, so each finds the other's bytes in the shared chunk.
            for (int round = 1; round <= 30; round++) {
                ra.stopAfter = round * 10;
                rb.stopAfter = round * 10;
                x.read(ra);
                y.read(rb);
            }
            assertThat(ra.lines).hasSize(300);
            assertThat(rb.lines).hasSize(300);
            for (int i = 0; i < 300; i++) {
                assertThat(ra.lines.get(i)).isEqualTo(new Line(String.format("a%04d", i) + "-".repeat(494),
                        i * 500L, (i + 1) * 500L, 0));
                assertThat(rb.lines.get(i)).isEqualTo(new Line(String.format("b%04d", i) + "+".repeat(294),
                        i * 300L, (i + 1) * 300L, 0));
            }
            assertThat(x.lineOffset()).isEqualTo(150_000);
            assertThat(y.lineOffset()).isEqualTo(90_000);
        }
    }
}
