package io.redactd.daemon.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads newline-delimited JSON (the file output, or an export from a SIEM) in 1 MiB blocks without a String per line.
 * Blank lines are ignored, CRLF is accepted; a last line without its newline is verified if it is a complete event
 * and reported as a truncation if not. {@code -} reads standard input.
 */
final class NdjsonFileSource implements EventSource {
    private static final int BLOCK = 1 << 20;
    private final Path file;

    NdjsonFileSource(Path file) {
        this.file = file;
    }

    private boolean stdin() {
        return file.toString().equals("-");
    }

    @Override
    public void readAll(StreamVerifier verifier, Progress progress) throws IOException {
        verifier.unit("line");
        if (!stdin()) {
            progress.total(Files.size(file));
        }
        try (InputStream in = stdin() ? System.in : Files.newInputStream(file)) {
            read(in, verifier, progress);
        }
    }

    private static void read(InputStream in, StreamVerifier verifier, Progress progress) throws IOException {
        byte[] buf = new byte[BLOCK];
        int start = 0;
        int end = 0;
        long line = 0;
        long consumed = 0;
        while (true) {
            if (end == buf.length) {
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                } else {
                    buf = Arrays.copyOf(buf, buf.length * 2); // one line longer than the block
                }
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                break;
            }
            int scan = end;
            end += n;
            for (int i = scan; i < end; i++) {
                if (buf[i] == '\n') {
                    line++;
                    emit(verifier, buf, start, i, line);
                    consumed += i + 1 - start;
                    start = i + 1;
                }
            }
            progress.update(consumed, verifier.documentsRead());
        }
        if (start < end) {
            line++;
            int len = trimmedEnd(buf, start, end) - start;
            if (len > 0) {
                if (buf[start + len - 1] == '}') {
                    verifier.accept(buf, start, len, line);
                } else {
                    verifier.truncatedInput(line);
                }
            }
        }
    }

    private static void emit(StreamVerifier verifier, byte[] buf, int start, int newline, long line) {
        int e = trimmedEnd(buf, start, newline);
        if (e > start) {
            verifier.accept(buf, start, e - start, line);
        }
    }

    private static int trimmedEnd(byte[] buf, int start, int end) {
        int e = end;
        while (e > start && (buf[e - 1] == '\r' || buf[e - 1] == ' ' || buf[e - 1] == '\t')) {
            e--;
        }
        return e;
    }
}
