package io.redactd.daemon.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.daemon.input.syslog.SyslogFrameDecoder.Framing;
import io.redactd.daemon.input.syslog.SyslogFrameDecoder.Malformation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogFrameDecoderTest {

    private final List<String> frames = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final SyslogFrameDecoder.Listener listener = new SyslogFrameDecoder.Listener() {
        @Override
        public void frame(byte[] buffer, int offset, int length) {
            frames.add(new String(buffer, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void cutFrame(byte[] buffer, int offset, int length, byte[] after) {
            frames.add(new String(buffer, offset, length, StandardCharsets.UTF_8));
            cuts.add(frames.size() - 1 + ":" + new String(after, StandardCharsets.UTF_8));
        }

        @Override
        public void malformed(Malformation kind, long streamOffset) {
            errors.add(kind + "@" + streamOffset);
        }
    };
    /** Frames handed on cut ({@link SyslogFrameDecoder.Listener#cutFrame}): "index:context after". */
    private final List<String> cuts = new ArrayList<>();

    private void feed(SyslogFrameDecoder decoder, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        decoder.feed(bytes, 0, bytes.length, listener);
        decoder.settle(listener); // each feed is one event-loop turn, as in the input
    }

    @Test
    void octetCountedFramesSplitAcrossReadsAreReassembled() {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(1024);
        String stream = "11 <13>1 - a b15 <14>hello world\n12 <15>x y z 12";
        for (char c : stream.toCharArray()) {
            feed(decoder, String.valueOf(c));
        }
        decoder.end(listener);
        assertThat(decoder.framing()).isEqualTo(Framing.OCTET_COUNTING);
        assertThat(frames).containsExactly("<13>1 - a b", "<14>hello world", "<15>x y z 12");
        assertThat(errors).isEmpty();
    }

    @Test
    void newlineFramingStripsCrAndSkipsEmptyLines() {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(1024);
        feed(decoder, "<13>first\r\n\n<13>sec");
        feed(decoder, "ond\n<13>unterminated");
        decoder.end(listener);
        assertThat(decoder.framing()).isEqualTo(Framing.NON_TRANSPARENT);
        assertThat(frames).containsExactly("<13>first", "<13>second", "<13>unterminated");
    }

    @Test
    void oversizeCountedFrameIsSkippedWithoutLosingFraming() {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(32);
        String big = "x".repeat(100);
        feed(decoder, "5 <13>a100 " + big.substring(0, 40));
        feed(decoder, big.substring(40) + "5 <13>b");
        assertThat(frames).containsExactly("<13>a", "<13>b");
        assertThat(errors).containsExactly("FRAME_TOO_LARGE@7");
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void bytesBetweenFramesStayWithTheFrameBefore() {
        // "12x garbage here" may be the end of the first frame (a short count) or junk: kept with it, never cut off
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(1024);
        feed(decoder, "5 <13>a12x garbage here 5 <13>b");
        assertThat(frames).containsExactly("<13>a12x garbage here", "<13>b");
        assertThat(errors).containsExactly("BAD_OCTET_COUNT@0");
    }

    private static final String HEAD = "<13>1 2026-12-07T10:00:00Z h app - - ";

    /** {@code n} valid frames "msg 00".."msg nn" (43 bytes each, as in the tester's stream), octet-counted. */
    private static String validFrames(int n, List<String> expected) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String msg = HEAD + String.format("msg %02d", i);
            expected.add(msg);
            out.append(msg.getBytes(StandardCharsets.UTF_8).length).append(' ').append(msg);
        }
        return out.toString();
    }

    private List<String> decodeWhole(int maxFrameBytes, String stream) {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(maxFrameBytes);
        feed(decoder, stream);
        decoder.end(listener);
        return frames;
    }

    @Test
    void countOfCharactersInsteadOfBytesIsExtendedToTheWholeFrame() {
        // one byte short ("é" is two bytes): the frame's last "2" and the next header "43 " read as a count of 243,
        // which looks like a header but whose frame is not followed by one; its reading "43" is
        String jose = HEAD + "José checked in, room 12";
        List<String> expected = new ArrayList<>();
        String stream = validFrames(2, expected) + jose.length() + " " + jose;
        int header = validFrames(2, new ArrayList<>()).length();
        expected.add(jose);
        List<String> after = new ArrayList<>();
        stream += validFrames(28, after);
        expected.addAll(after);
        assertThat(after.get(0)).hasSize(43);

        assertThat(decodeWhole(65536, stream)).containsExactlyElementsOf(expected);
        assertThat(errors).containsExactly("BAD_OCTET_COUNT@" + header);
    }

    @Test
    void countOfCharactersInsteadOfBytesSplitAcrossReads() {
        String jose = HEAD + "José checked in, room 12";
        List<String> after = new ArrayList<>();
        byte[] stream = ("43 " + HEAD + "msg xx" + jose.length() + " " + jose + validFrames(28, after))
                .getBytes(StandardCharsets.UTF_8);
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(65536);
        for (int pos = 0; pos < stream.length; pos += 100) {
            decoder.feed(stream, pos, Math.min(100, stream.length - pos), listener);
        }
        decoder.end(listener);
        assertThat(frames).hasSize(2 + 28).endsWith(after.toArray(String[]::new));
        assertThat(errors).hasSize(1).allMatch(e -> e.startsWith("BAD_OCTET_COUNT@"));
    }

    @Test
    void rightCountsEndingInDigitsAreNotExtendedWhateverTheReadBoundaries() {
        // From the benchmark corpus: "...ref=916-72-7341" + "160 <134>...": the next header's shorter reading "60"
        // ends just before " 27 19:33:28", whose "27 " once passed for a frame without PRI, so the first frame took
        // the "1" when a read ended after it (a frame too many, the value cut). Split at every byte, turn per read.
        String[] bodies = {
                "<134>1 2026-11-27T11:00:00.000Z web-01 app 4242 - - <133>Nov 27 19:33:24 billing-2 rx-service[16204]: "
                        + "order placed completed ref=916-72-7341",
                "<134>1 2026-11-27T11:00:00.000Z web-01 app 4242 - - <129>Nov 27 19:33:28 intake-3 rx-service[29918]: "
                        + "session opened for user svc-hl7-bridge by (uid=0) pid 20716",
                "<134>1 2026-11-27T11:00:00.000Z web-01 app 4242 - - lb-1.internal - - [27/Nov/2026:19:51:15 +0000] "
                        + "\"GET /assets/css/main.b81c.css HTTP/1.1\" 200 36082 rt=0.416 upstream=backend-4:8080"};
        StringBuilder stream = new StringBuilder();
        for (String b : bodies) {
            stream.append(b.length()).append(' ').append(b);
        }
        byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
        for (int a = 1; a < bytes.length; a++) {
            for (int b = a; b < bytes.length; b += 7) {
                frames.clear();
                errors.clear();
                SyslogFrameDecoder decoder = new SyslogFrameDecoder(65536);
                decoder.feed(bytes, 0, a, listener);
                decoder.settle(listener);
                decoder.feed(bytes, a, b - a, listener);
                decoder.settle(listener);
                decoder.feed(bytes, b, bytes.length - b, listener);
                decoder.settle(listener);
                decoder.end(listener);
                assertThat(frames).as("reads end at %d and %d", a, b).containsExactly(bodies);
                assertThat(errors).as("reads end at %d and %d", a, b).isEmpty();
            }
        }
    }

    @Test
    void brokenHeadersStayWithTheFrameBefore() {
        for (String bad : new String[] {
                "12x garbage that ends in a digit 9",
                "-5 " + HEAD + "negative",
                "99999999999999999999 " + HEAD + "twenty digits",
                "0 " + HEAD + "zero"}) {
            frames.clear();
            errors.clear();
            List<String> expected = new ArrayList<>();
            String before = validFrames(1, expected);
            List<String> after = new ArrayList<>();
            String stream = before + bad + validFrames(28, after);
            expected.set(0, expected.get(0) + bad); // the frame before may have been counted short: nothing is lost
            expected.addAll(after);
            assertThat(decodeWhole(65536, stream)).as(bad).containsExactlyElementsOf(expected);
            assertThat(errors).as(bad).containsExactly("BAD_OCTET_COUNT@0");
        }
    }

    @Test
    void shortCountNotFollowedByAHeaderIsExtendedToTheNextFrameStart() {
        // nothing consistent starts inside the counted bytes, and nothing vouches for their end: the frame runs to the
        // next consistent frame start (it used to be cut after 12 bytes, and a value there with it)
        List<String> expected = new ArrayList<>();
        String before = validFrames(1, expected);
        List<String> after = new ArrayList<>();
        String stream = before + "12 " + HEAD + "count short" + validFrames(28, after);
        expected.add(HEAD + "count short");
        expected.addAll(after);
        for (int chunking : CHUNKINGS) {
            // the reads of one event-loop turn: a read ending right after the short count does not make it trusted
            List<String> beforeEnd = decodeInReads(65536, stream, chunking, false);
            assertThat(frames).as("chunking %d", chunking).containsExactlyElementsOf(expected);
            assertThat(errors).as("chunking %d", chunking).containsExactly("BAD_OCTET_COUNT@" + before.length());
            assertThat(beforeEnd).as("chunking %d: nothing waits for the end of the stream", chunking)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void strayDigitsMakingAnOversizeCountDoNotSkipTheFramesAfter() {
        // "999" + "43 <13>": the digits may be the end of the frame before (a short count): they stay with it
        List<String> expected = new ArrayList<>();
        String stream = validFrames(1, expected) + "999";
        expected.set(0, expected.get(0) + "999");
        List<String> after = new ArrayList<>();
        stream += validFrames(28, after);
        expected.addAll(after);
        assertThat(decodeWhole(65536, stream)).containsExactlyElementsOf(expected);
        assertThat(errors).containsExactly("BAD_OCTET_COUNT@0");
    }

    @Test
    void consistentCountIsTrustedEvenWithAFrameStartInsideTheMessage() {
        List<String> expected = new ArrayList<>();
        String tricky = HEAD + "vitals 12 <13>1 bp 120 43 <13>1";
        expected.add(tricky);
        String stream = tricky.length() + " " + tricky + validFrames(3, expected) + tricky.length() + " " + tricky;
        expected.add(tricky);
        assertThat(decodeWhole(1024, stream)).containsExactlyElementsOf(expected);
        assertThat(errors).isEmpty();
    }

    @Test
    void framesWithoutPriAmongFramesWithOneAreTrusted() {
        // a body not starting with "<" is only suspect: with nothing consistent starting inside it, its count stands
        assertThat(decodeWhole(1024, "5 <13>a10 plain text5 <13>b12 no pri 12 <x7 <13>c 9")).containsExactly(
                "<13>a", "plain text", "<13>b", "no pri 12 <x", "<13>c 9");
        assertThat(errors).isEmpty();

        // with nothing after it to vouch for its count, such a body that holds a consistent frame start is suspect
        frames.clear();
        assertThat(decodeWhole(1024, "5 <13>a7 5 <13>x")).containsExactly("<13>a", "<13>x");
        assertThat(errors).containsExactly("BAD_OCTET_COUNT@7");
    }

    @Test
    void wrongCountAtTheEndOfTheStreamStillFindsTheFramesItCovered() {
        List<String> after = new ArrayList<>();
        String stream = "900 " + HEAD + "counted far too long" + validFrames(3, after);
        assertThat(decodeWhole(1024, stream)).containsExactlyElementsOf(after);
        assertThat(errors).containsExactly("TRUNCATED@0");
    }

    /** Ways a stream reaches the decoder: whole, a byte at a time, and in random read sizes (fixed seeds). */
    private static final int[] CHUNKINGS = {0, 1, 7, 23, 6587};

    /**
     * Feeds {@code stream} in reads shaped by {@code chunking} (0: one read, 1: a byte at a time, else the seed of
     * random sizes up to 300), checking the buffer bound after each, then returns the frames delivered before the end
     * of the stream is signalled; {@link #frames} then holds those after it too.
     */
    private List<String> decodeInReads(int maxFrameBytes, String stream, int chunking) {
        return decodeInReads(maxFrameBytes, stream, chunking, true);
    }

    /** @param turnPerRead whether each read is an event-loop turn of its own (settled), or all reads are one turn */
    private List<String> decodeInReads(int maxFrameBytes, String stream, int chunking, boolean turnPerRead) {
        frames.clear();
        errors.clear();
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(maxFrameBytes);
        java.util.Random sizes = new java.util.Random(chunking);
        for (int pos = 0; pos < bytes.length; ) {
            int n = chunking == 0 ? bytes.length : chunking == 1 ? 1 : 1 + sizes.nextInt(300);
            n = Math.min(n, bytes.length - pos);
            decoder.feed(bytes, pos, n, listener);
            if (turnPerRead) {
                decoder.settle(listener);
            }
            assertThat(decoder.pendingBytes()).isLessThanOrEqualTo(maxFrameBytes + 12);
            pos += n;
        }
        decoder.settle(listener);
        List<String> beforeEnd = new ArrayList<>(frames);
        decoder.end(listener);
        return beforeEnd;
    }

    @Test
    void hugeBogusCountLosesOnlyTheFrameItHeads() {
        // a corrupt header announcing far more than max_frame_bytes used to be skipped, and every frame it covered too
        for (int n : new int[] {1, 3, 28}) {
            List<String> expected = new ArrayList<>();
            String before = validFrames(2, expected);
            String stream = before + "99999999 " + HEAD + "header was corrupted" + validFrames(n, expected);
            for (int chunking : CHUNKINGS) {
                List<String> beforeEnd = decodeInReads(65536, stream, chunking);
                String as = n + " frames after, chunking " + chunking;
                assertThat(frames).as(as).containsExactlyElementsOf(expected);
                assertThat(errors).as(as).containsExactly("BAD_OCTET_COUNT@" + before.length());
                if (n > 1) {
                    // only a lone frame after the bad count waits for what follows it (here: the end of the stream)
                    assertThat(beforeEnd).as(as).containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    void hugeBogusCountAsTheConnectionsFirstHeader() {
        List<String> expected = new ArrayList<>();
        String stream = "4294967295 " + HEAD + "first frame" + validFrames(5, expected);
        for (int chunking : CHUNKINGS) {
            decodeInReads(1024, stream, chunking);
            assertThat(frames).as("chunking %d", chunking).containsExactlyElementsOf(expected);
            assertThat(errors).as("chunking %d", chunking).containsExactly("BAD_OCTET_COUNT@0");
        }
    }

    @Test
    void realOversizeFrameIsCountedAndTheFramesAfterItDelivered() {
        // its text holds frame-start look-alikes: "12 </td>" (read a byte at a time, the end of the bytes received so
        // far must not vouch for it), "5 <b>ab" over and over (each vouching for the next, but no PRI), "6 <b>abc"
        // vouched for by "12 <13>" (but no PRI of its own), and near its end "1000 <14>", whose body would reach past
        // it: the frames after it must not wait for that
        String big = HEAD + "<table>" + "<tr><td>12 </td><td>7 </td></tr> ".repeat(90) + "</table>"
                + "5 <b>ab".repeat(20) + " 6 <b>abc12 <13>zz 1000 <14> end";
        assertThat(big.length()).isGreaterThan(2 * 1024);
        for (int n : new int[] {3, 28}) {
            List<String> expected = new ArrayList<>();
            String before = validFrames(3, expected);
            String stream = before + big.length() + " " + big + validFrames(n, expected);
            for (int chunking : CHUNKINGS) {
                List<String> beforeEnd = decodeInReads(1024, stream, chunking);
                String as = n + " frames after, chunking " + chunking;
                assertThat(beforeEnd).as(as).containsExactlyElementsOf(expected);
                assertThat(errors).as(as).containsExactly("FRAME_TOO_LARGE@" + before.length());
            }
        }
    }

    @Test
    void countWithLeadingGarbageDigitsCostsNoOtherFrame() {
        String frame1234 = HEAD + "x".repeat(1234 - HEAD.length());
        String[][] cases = {
                // garbage digits and a space in front of a header: a huge count whose body is the real frame's header
                {"12345678 ", ""},
                // digits glued to the header: its shorter reading is the real count, so even this frame is kept
                {"7777777", ""},
                // a stray digit turning 1234 into 91234 (over the limit of 2048)
                {"9", "1234 " + frame1234}};
        for (String[] c : cases) {
            List<String> expected = new ArrayList<>();
            String before = validFrames(1, expected);
            String first = expected.get(0);
            if (!c[1].isEmpty()) {
                expected.add(frame1234);
            }
            String stream = before + c[0] + c[1] + validFrames(28, expected);
            for (int chunking : CHUNKINGS) {
                decodeInReads(2048, stream, chunking);
                String as = "'" + c[0] + "', chunking " + chunking;
                // The digits stay with the frame before (its count may have been short), unless a read ended right at
                // that frame's counted end (nothing after it to doubt the count), or they read as an oversize header
                // no shorter reading of which is consistent ("12345678 "): then they are a broken header
                boolean kept = frames.get(0).equals(first + c[0].strip());
                assertThat(frames.subList(1, frames.size())).as(as)
                        .containsExactlyElementsOf(expected.subList(1, expected.size()));
                assertThat(frames.get(0)).as(as).isIn(first, first + c[0].strip());
                assertThat(errors).as(as).containsExactly("BAD_OCTET_COUNT@" + (kept ? 0 : before.length()));
            }
        }
    }

    @Test
    void oversizeCountAFewBytesTooLongCostsNoOtherFrame() {
        // the announced end falls in the next header's digits, on its space or on its "<": the frame spanning it wins
        String big = HEAD + "y".repeat(3000);
        for (int tooLong : new int[] {1, 2, 3}) {
            List<String> expected = new ArrayList<>();
            String before = validFrames(1, expected);
            String stream = before + (big.length() + tooLong) + " " + big + validFrames(28, expected);
            for (int chunking : CHUNKINGS) {
                decodeInReads(1024, stream, chunking);
                String as = tooLong + " too long, chunking " + chunking;
                assertThat(frames).as(as).containsExactlyElementsOf(expected);
                assertThat(errors).as(as).containsExactly("BAD_OCTET_COUNT@" + before.length());
            }
        }
    }

    @Test
    void oversizeFrameEndingInADigitKeepsItsCountsEnd() {
        // "...9" + "42 <": the reading 942 spans the announced end and lands on a frame start 21 frames later; the
        // count's own end is a frame start too, so the count wins and none of the 21 is lost
        String big = HEAD + "z".repeat(2000) + "9";
        List<String> expected = new ArrayList<>();
        String before = validFrames(1, expected);
        StringBuilder after = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            String msg = HEAD + String.format("ms %02d", i);
            assertThat(msg).hasSize(42);
            expected.add(msg);
            after.append("42 ").append(msg);
        }
        String stream = before + big.length() + " " + big + after;
        for (int chunking : CHUNKINGS) {
            decodeInReads(1024, stream, chunking);
            assertThat(frames).as("chunking %d", chunking).containsExactlyElementsOf(expected);
            assertThat(errors).as("chunking %d", chunking).containsExactly("FRAME_TOO_LARGE@" + before.length());
        }
    }

    @Test
    void streamEndingInsideAnOversizeFrameIsTooLargeAndTruncated() {
        for (String body : new String[] {"<13>" + "x".repeat(60), "<13>" + "\n".repeat(60)}) {
            for (int chunking : CHUNKINGS) {
                decodeInReads(32, "5 <13>a100 " + body, chunking);
                assertThat(frames).containsExactly("<13>a");
                assertThat(errors).as("chunking %d", chunking).containsExactly("FRAME_TOO_LARGE@7", "TRUNCATED@7");
            }
        }
    }

    @Test
    void overlongLineIsSkippedToItsNewline() {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(16);
        feed(decoder, "<13>ok\n<13>" + "y".repeat(50));
        feed(decoder, "y".repeat(50) + "\n<13>after\n");
        assertThat(frames).containsExactly("<13>ok", "<13>after");
        assertThat(errors).containsExactly("LINE_TOO_LONG@7");
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void truncatedCountedFrameAtEndIsReported() {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(1024);
        feed(decoder, "20 <13>short");
        decoder.end(listener);
        assertThat(frames).isEmpty();
        assertThat(errors).containsExactly("TRUNCATED@0");
    }

    @Test
    void pendingBytesStayBoundedWhileResyncingThroughJunk() {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(64);
        feed(decoder, "5 <13>a");
        feed(decoder, "9z");
        for (int i = 0; i < 1000; i++) {
            feed(decoder, "junk without any frame start ");
            assertThat(decoder.pendingBytes()).isLessThanOrEqualTo(64 + 12);
        }
        feed(decoder, "5 <13>c");
        assertThat(frames).containsExactly("<13>a", "<13>c");
    }

    @Test
    void wordAtATimeNewlineSearchFindsTheFirstLfLikeAByteLoop() {
        // bytes next to LF that could fool a word test: 0x0B (LF + 1), 0x09, 0x8A (LF | 0x80), 0x00, 0xFF
        byte[] alphabet = {'a', '\n', 0x0B, 0x09, (byte) 0x8A, 0, (byte) 0xFF, '\r'};
        java.util.Random rnd = new java.util.Random(6587);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[rnd.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextInt(6) == 0 ? alphabet[rnd.nextInt(alphabet.length)] : (byte) ('a' + rnd.nextInt(26));
            }
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
            int to = from + rnd.nextInt(b.length - from + 1);
            int want = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    want = i;
                    break;
                }
            }
            assertThat(io.redactd.daemon.input.Newlines.indexOf(b, from, to)).as("round %d", round).isEqualTo(want);
        }
    }
}
