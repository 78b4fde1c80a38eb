package io.redactd.daemon.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TextEncodingTest {
    private static final String TEXT = "2026-12-07 INFO patient ssn 536-22-1234\r\n\tcard 4111 1111 1111 1111 caf\u00e9 \u2603 "
            + "\uD83D\uDE00 \u001b[0m\n";

    private static byte[] bytes(String s, String charset, byte... bom) {
        byte[] body = s.getBytes(Charset.forName(charset));
        byte[] all = Arrays.copyOf(bom, bom.length + body.length);
        System.arraycopy(body, 0, all, bom.length, body.length);
        return all;
    }

    private static TextEncoding.Sniffed sniff(byte[] b) {
        return TextEncoding.sniff(b, Math.min(b.length, TextEncoding.SNIFF_BYTES));
    }

    /** What the commands read: the head, then the rest of the stream, as UTF-8. */
    private static String read(byte[] file) throws IOException {
        InputStream in = new ByteArrayInputStream(file);
        byte[] head = new byte[TextEncoding.SNIFF_BYTES];
        int n = TextEncoding.readHead(in, head);
        TextEncoding.Sniffed s = TextEncoding.sniff(head, n);
        return new String(TextEncoding.utf8(s, head, n, in, true).readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void byteOrderMarksDecideUtf16AndUtf32() throws IOException {
        byte ff = (byte) 0xFF;
        byte fe = (byte) 0xFE;
        assertThat(sniff(bytes(TEXT, "UTF-16LE", ff, fe)).name()).isEqualTo("UTF-16LE");
        assertThat(sniff(bytes(TEXT, "UTF-16BE", fe, ff)).name()).isEqualTo("UTF-16BE");
        assertThat(sniff(bytes(TEXT, "UTF-32LE", ff, fe, (byte) 0, (byte) 0)).name()).isEqualTo("UTF-32LE");
        assertThat(sniff(bytes(TEXT, "UTF-32BE", (byte) 0, (byte) 0, fe, ff)).name()).isEqualTo("UTF-32BE");
        TextEncoding.Sniffed utf8Bom = sniff(bytes(TEXT, "UTF-8", (byte) 0xEF, (byte) 0xBB, (byte) 0xBF));
        assertThat(utf8Bom.transcoded()).isFalse();
        assertThat(utf8Bom.bomLength()).isEqualTo(3);
        for (byte[] file : new byte[][] {bytes(TEXT, "UTF-16LE", ff, fe), bytes(TEXT, "UTF-16BE", fe, ff),
                bytes(TEXT, "UTF-32LE", ff, fe, (byte) 0, (byte) 0), bytes(TEXT, "UTF-32BE", (byte) 0, (byte) 0, fe, ff),
                bytes(TEXT, "UTF-8", (byte) 0xEF, (byte) 0xBB, (byte) 0xBF)}) {
            assertThat(read(file)).isEqualTo(TEXT);
        }
    }

    @Test
    void utf16WithoutBomIsRecognisedByItsNulPatternAndReadWhole() throws IOException {
        String big = TEXT.repeat(400); // past the sniffed head, so the rest is transcoded as a stream
        assertThat(sniff(bytes(big, "UTF-16LE")).name()).isEqualTo("UTF-16LE");
        assertThat(sniff(bytes(big, "UTF-16BE")).name()).isEqualTo("UTF-16BE");
        assertThat(sniff(bytes(big, "UTF-16LE")).bomLength()).isZero();
        assertThat(read(bytes(big, "UTF-16LE"))).isEqualTo(big);
        assertThat(read(bytes(big, "UTF-16BE"))).isEqualTo(big);
        // The tester's file (bb7-ops #14): a short line, no BOM.
        assertThat(sniff(bytes("ssn 536-22-1234\n", "UTF-16LE")).name()).isEqualTo("UTF-16LE");
    }

    @Test
    void binaryIsNotTakenForText() {
        Random random = new Random(7);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        noise[10] = 0;
        assertThat(sniff(noise).binary()).isTrue();
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R', 0, 0, 1, 0};
        assertThat(sniff(png).binary()).isTrue();
        // 16-bit little-endian integers below 256 have the NUL pattern of UTF-16LE, but read as control characters.
        byte[] shorts = new byte[512];
        for (int i = 0; i < shorts.length; i += 2) {
            shorts[i] = (byte) (1 + i % 200);
        }
        assertThat(sniff(shorts).binary()).isTrue();
        // UTF-32 without a BOM is not guessed: skipped as binary (and scan says so), not read as UTF-16.
        assertThat(sniff(bytes(TEXT, "UTF-32LE")).binary()).isTrue();
        byte[] utf8WithNul = "text\0more text".getBytes(StandardCharsets.UTF_8);
        assertThat(sniff(utf8WithNul).binary()).isTrue();
        assertThat(sniff("plain text\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(TextEncoding.Sniffed.UTF8);
        assertThat(TextEncoding.sniff(new byte[0], 0)).isEqualTo(TextEncoding.Sniffed.UTF8);
    }

    @Test
    void aPipeIsSniffedFromWhatOneReadReturnsPlusTheRestOfABom() throws IOException {
        // A stream that hands out one byte per read, like a slow pipe.
        byte[] data = bytes("ssn 536-22-1234\n", "UTF-16LE", (byte) 0xFF, (byte) 0xFE);
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        byte[] head = new byte[TextEncoding.SNIFF_BYTES];
        int n = TextEncoding.readHeadAvailable(trickle, head);
        assertThat(n).isEqualTo(4);
        assertThat(TextEncoding.sniff(head, n).name()).isEqualTo("UTF-16LE");
        InputStream plain = new ByteArrayInputStream("a\n".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        assertThat(TextEncoding.readHeadAvailable(plain, head)).as("no waiting for more than one read").isEqualTo(1);
    }

    @Test
    void ioReasonsAreWordsNotExceptionNames() {
        assertThat(IoReason.of(new NoSuchFileException("/x"))).isEqualTo("no such file or directory");
        assertThat(IoReason.of(new AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(IoReason.of(new FileSystemException("/x", null, "Is a directory"))).isEqualTo("is a directory");
        assertThat(IoReason.of(new IOException("Input/output error"))).isEqualTo("input/output error");
        assertThat(IoReason.of(new IOException())).isEqualTo("IOException");
    }
}
