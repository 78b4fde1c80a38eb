package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming splitter against the whole-body splitter it replaced: for random bodies fed in random pieces, the
 * same lines, or the same refusal (status, error and message: first problem in body order), and every byte it
 * charged given back or held by a line.
 */
class LineSplitterTest {

    @Test
    void splitsLikeTheWholeBodySplitterWhateverThePieces() {
        Random random = new Random(20261207);
        for (int round = 0; round < 20_000; round++) {
            byte[] body = new byte[random.nextInt(40)];
            byte[] alphabet = {'a', 'b', '\r', '\n', '\n'};
            for (int i = 0; i < body.length; i++) {
                body[i] = alphabet[random.nextInt(alphabet.length)];
            }
            int maxLineBytes = 1 + random.nextInt(8);
            int maxLines = 1 + random.nextInt(8);
            String expected = reference(body, maxLineBytes, maxLines);

            ByteBudget budget = new ByteBudget(1 << 20);
            RequestMemory memory = new RequestMemory(budget);
            List<String> lines = new ArrayList<>();
            long[] held = {0};
            LineSplitter splitter = new LineSplitter(maxLineBytes, maxLines, memory, (line, number) -> {
                assertThat(number).isEqualTo(lines.size() + 1);
                lines.add(new String(line, StandardCharsets.US_ASCII));
                held[0] += line.length + RequestEvents.EVENT_OVERHEAD;
            });
            String actual;
            try {
                int at = 0;
                while (at < body.length) {
                    int n = 1 + random.nextInt(body.length - at);
                    // pieces come from a larger array at an offset, as the inflater's output does
                    byte[] piece = new byte[n + 4];
                    System.arraycopy(body, at, piece, 2, n);
                    splitter.feed(piece, 2, n);
                    at += n;
                }
                splitter.finish();
                actual = lines.toString();
            } catch (RequestRejected r) {
                splitter.release();
                actual = r.status() + " " + r.error() + " " + r.getMessage();
            }
            assertThat(actual).as("body %s, max_line_bytes %d, max lines %d",
                    Arrays.toString(body), maxLineBytes, maxLines).isEqualTo(expected);
            memory.trim();
            assertThat(memory.held()).as("charged beyond the lines it made").isEqualTo(held[0]);
        }
    }

    /** The whole-body split as it was before bodies were streamed (BodyLines.split), as a string or the refusal. */
    private static String reference(byte[] body, int maxLineBytes, int maxLines) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < body.length) {
            int lf = start;
            while (lf < body.length && body[lf] != '\n') {
                lf++;
            }
            lineNo++;
            int end = lf;
            if (end > start && body[end - 1] == '\r') {
                end--;
            }
            if (end - start > maxLineBytes) {
                return "413 line_too_long line " + lineNo + " is " + (end - start) + " bytes, over max_line_bytes ("
                        + maxLineBytes + ")";
            }
            if (end > start) {
                if (lines.size() == maxLines) {
                    return "413 too_many_events more than max_events_per_request (" + maxLines + ") lines";
                }
                lines.add(new String(body, start, end - start, StandardCharsets.US_ASCII));
            }
            start = lf + 1;
        }
        return lines.toString();
    }
}
