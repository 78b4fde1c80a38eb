package io.redactd.daemon.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What the text of a file is, decided from its first bytes, for the commands that read files ({@code scan},
 * {@code redact}): the detectors work on UTF-8, and Windows tools write UTF-16 (Notepad's "Unicode", PowerShell's
 * {@code >}, exports), which a NUL-byte test alone takes for binary. A byte order mark decides UTF-32 or UTF-16;
 * without one, UTF-16 is recognised by its NUL pattern (mostly-Latin text has a zero byte in every other position)
 * only when the sample also decodes strictly to text without control characters. Anything else with a NUL byte is
 * binary.
 */
final class TextEncoding {
    /** How much of the start of a file is examined. */
    static final int SNIFF_BYTES = 8192;
    /** Without a BOM, at least this many bytes are needed to call something UTF-16. */
    private static final int MIN_BOMLESS_BYTES = 8;

    /**
     * The verdict on a sample.
     *
     * @param charset   the encoding to transcode from, or null for UTF-8 (passed on as it is)
     * @param bomLength bytes of byte order mark at the start (not text)
     * @param binary    not text: a NUL byte and no recognisable UTF-16/32
     */
    record Sniffed(Charset charset, int bomLength, boolean binary) {
        static final Sniffed UTF8 = new Sniffed(null, 0, false);
        static final Sniffed BINARY = new Sniffed(null, 0, true);

        boolean transcoded() {
            return charset != null;
        }

        /** For messages: {@code UTF-16LE} etc. */
        String name() {
            return binary ? "binary" : charset == null ? "UTF-8" : charset.name();
        }
    }

    private TextEncoding() {
    }

    static Sniffed sniff(byte[] b, int len) {
        if (starts(b, len, 0xFF, 0xFE, 0x00, 0x00)) {
            return new Sniffed(Charset.forName("UTF-32LE"), 4, false);
        }
        if (starts(b, len, 0x00, 0x00, 0xFE, 0xFF)) {
            return new Sniffed(Charset.forName("UTF-32BE"), 4, false);
        }
        if (starts(b, len, 0xFF, 0xFE)) {
            return new Sniffed(StandardCharsets.UTF_16LE, 2, false);
        }
        if (starts(b, len, 0xFE, 0xFF)) {
            return new Sniffed(StandardCharsets.UTF_16BE, 2, false);
        }
        if (starts(b, len, 0xEF, 0xBB, 0xBF)) {
            return new Sniffed(null, 3, false);
        }
        int zerosEven = 0;
        int zerosOdd = 0;
        for (int i = 0; i < len; i++) {
            if (b[i] == 0) {
                if ((i & 1) == 0) {
                    zerosEven++;
                } else {
                    zerosOdd++;
                }
            }
        }
        if (zerosEven + zerosOdd == 0) {
            return Sniffed.UTF8;
        }
        int pairs = len / 2;
        if (len >= MIN_BOMLESS_BYTES) {
            // Little-endian Latin text: the high byte (odd offsets) is zero, the low byte almost never.
            if (zerosOdd * 10 >= pairs * 7 && zerosEven * 4 <= zerosOdd
                    && readsAsText(b, len, StandardCharsets.UTF_16LE)) {
                return new Sniffed(StandardCharsets.UTF_16LE, 0, false);
            }
            if (zerosEven * 10 >= pairs * 7 && zerosOdd * 4 <= zerosEven
                    && readsAsText(b, len, StandardCharsets.UTF_16BE)) {
                return new Sniffed(StandardCharsets.UTF_16BE, 0, false);
            }
        }
        return Sniffed.BINARY;
    }

    /**
     * The sample decodes strictly (a character cut at its end aside) to text: no NUL or other control character but
     * tab, line feed, form feed, carriage return and escape (terminal colours in logs).
     */
    private static boolean readsAsText(byte[] b, int len, Charset cs) {
        CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(len);
        CoderResult r = d.decode(ByteBuffer.wrap(b, 0, len - (len & 1)), out, false);
        if (r.isError()) {
            return false;
        }
        out.flip();
        while (out.hasRemaining()) {
            char c = out.get();
            boolean control = c < 0x20 ? c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1B
                    : (c >= 0x7F && c < 0xA0) || c == 0xFFFE || c == 0xFFFF;
            if (control) {
                return false;
            }
        }
        return true;
    }

    private static boolean starts(byte[] b, int len, int... prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The text of a stream as UTF-8 bytes: {@code head[0, len)} (already read, examined by {@link #sniff}) followed
     * by the rest of {@code in}, without a byte order mark when {@code dropBom} (or when transcoded), transcoded when
     * the sniffed encoding is not UTF-8. Malformed input becomes U+FFFD, as invalid UTF-8 does.
     */
    static InputStream utf8(Sniffed s, byte[] head, int len, InputStream in, boolean dropBom) {
        int skip = s.transcoded() || dropBom ? s.bomLength() : 0;
        InputStream all = new SequenceInputStream(new ByteArrayInputStream(head, skip, len - skip), in);
        return s.transcoded() ? new Utf8Encoding(new InputStreamReader(all, s.charset())) : all;
    }

    /** Reads the start of a file: up to {@link #SNIFF_BYTES}, less only at its end. */
    static int readHead(InputStream in, byte[] head) throws IOException {
        return in.readNBytes(head, 0, head.length);
    }

    /**
     * Reads the start of a pipe without waiting for more than it has (an interactive filter must answer the first
     * line at once): what one read returns, topped up only while it could still be the start of a byte order mark.
     */
    static int readHeadAvailable(InputStream in, byte[] head) throws IOException {
        int n = in.read(head, 0, head.length);
        if (n <= 0) {
            return 0;
        }
        while (n < 4 && couldBeBom(head, n)) {
            int more = in.read(head, n, head.length - n);
            if (more <= 0) {
                break;
            }
            n += more;
        }
        return n;
    }

    private static boolean couldBeBom(byte[] b, int n) {
        int first = b[0] & 0xFF;
        return first == 0xFF || first == 0xFE || first == 0xEF || (first == 0 && (n < 2 || b[1] == 0));
    }

    /** Characters from a reader as UTF-8 bytes. */
    private static final class Utf8Encoding extends InputStream {
        private final Reader reader;
        private final char[] chars = new char[4096];
        private byte[] bytes = new byte[0];
        private int pos;
        private char pendingHigh;

        Utf8Encoding(Reader reader) {
            this.reader = reader;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == bytes.length) {
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return bytes.length - pos;
        }

        private boolean fill() throws IOException {
            int n = reader.read(chars, 0, chars.length);
            if (n < 0) {
                if (pendingHigh != 0) {
                    pendingHigh = 0;
                    bytes = "\uFFFD".getBytes(StandardCharsets.UTF_8);
                    pos = 0;
                    return true;
                }
                return false;
            }
            StringBuilder sb = new StringBuilder(n + 1);
            if (pendingHigh != 0) {
                sb.append(pendingHigh);
                pendingHigh = 0;
            }
            sb.append(chars, 0, n);
            // A surrogate pair cut between two reads is kept for the next one, so it is encoded whole.
            if (Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
                pendingHigh = sb.charAt(sb.length() - 1);
                sb.setLength(sb.length() - 1);
            }
            // The decoder hands on well-formed UTF-16 (malformed input is already U+FFFD).
            bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }
}
