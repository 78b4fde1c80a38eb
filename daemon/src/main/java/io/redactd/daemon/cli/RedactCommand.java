package io.redactd.daemon.cli;

import io.redactd.daemon.event.Utf8Repair;
import io.redactd.daemon.input.LineReader;
import io.redactd.detectors.DetectionException;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code redactd redact [FILE...]}: a streaming filter, exactly one output line per input line. A line whose
 * detection cannot complete, or that is longer than the limit, is replaced rather than passed on (fail closed), and a
 * line that a {@code drop} action removes is replaced too, so line numbers still match the input. Output is UTF-8:
 * UTF-16/UTF-32 input ({@link TextEncoding}) is transcoded, since detection on its bytes would find nothing.
 */
@Command(name = "redact", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = {
        "Redact PHI from FILEs (or stdin) to stdout, one output line per input line, as UTF-8.",
        "UTF-16/UTF-32 input (with a byte order mark, or UTF-16 recognised without one) is transcoded (noted on stderr).",
        "Lines removed by a drop action print as [REDACTED:DROPPED]; lines that cannot be checked (detection error,",
        "longer than --max-line-bytes) print as [REDACTED:ERROR] / [REDACTED:OVERSIZE] and make the exit code 2."})
final class RedactCommand implements Callable<Integer> {
    static final byte[] DROPPED = "[REDACTED:DROPPED]".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ERROR = "[REDACTED:ERROR]".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OVERSIZE = "[REDACTED:OVERSIZE]".getBytes(StandardCharsets.US_ASCII);

    @Mixin
    DetectionOptions detection;

    @Option(names = "--max-line-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "Longest line checked (default 1 MiB, the detectors' limit); longer lines print as [REDACTED:OVERSIZE].")
    int maxLineBytes;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files to read; none or '-' reads stdin.")
    List<Path> files;

    private long unchecked;

    @Override
    public Integer call() throws IOException {
        Redactor redactor = detection.compile().newRedactor();
        OutputStream out = new BufferedOutputStream(new java.io.FileOutputStream(FileDescriptor.out), 64 * 1024);
        try {
            if (files == null || files.isEmpty()) {
                filterStdin(redactor, out);
            } else {
                for (Path f : files) {
                    if (f.toString().equals("-")) {
                        filterStdin(redactor, out);
                        continue;
                    }
                    if (Files.isDirectory(f)) {
                        out.flush();
                        throw new CliFailure(2, "cannot read " + f + ": is a directory");
                    }
                    try (InputStream raw = Files.newInputStream(f)) {
                        byte[] head = new byte[TextEncoding.SNIFF_BYTES];
                        int n = TextEncoding.readHead(raw, head);
                        filter(text(f.toString(), head, n, raw), redactor, out);
                    } catch (IOException e) {
                        out.flush();
                        throw new CliFailure(2, "cannot read " + f + ": " + IoReason.of(e));
                    }
                }
            }
        } finally {
            out.flush();
        }
        if (unchecked > 0) {
            System.err.println("redactd: " + unchecked + " line(s) could not be checked and were replaced");
            return 2;
        }
        return 0;
    }

    private void filterStdin(Redactor redactor, OutputStream out) throws IOException {
        byte[] head = new byte[TextEncoding.SNIFF_BYTES];
        int n = TextEncoding.readHeadAvailable(System.in, head);
        filter(text("stdin", head, n, System.in), redactor, out);
    }

    /**
     * The input as UTF-8: transcoded when it is UTF-16/UTF-32; otherwise byte for byte (binary included, as before:
     * a filter passes on what it cannot read as text, line by line, redacted where it can).
     */
    private static InputStream text(String name, byte[] head, int n, InputStream rest) {
        TextEncoding.Sniffed text = TextEncoding.sniff(head, n);
        if (!text.transcoded()) {
            return TextEncoding.utf8(TextEncoding.Sniffed.UTF8, head, n, rest, false);
        }
        System.err.println("redactd: " + name + ": " + text.name() + " text, written as UTF-8");
        return TextEncoding.utf8(text, head, n, rest, true);
    }

    private void filter(InputStream in, Redactor redactor, OutputStream out) throws IOException {
        LineReader lines = new LineReader(in, maxLineBytes, () -> {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        while (lines.next()) {
            if (lines.oversize()) {
                unchecked++;
                out.write(OVERSIZE);
            } else {
                writeRedacted(lines, redactor, out);
            }
            if (lines.hadNewline()) {
                if (lines.hadCarriageReturn()) {
                    out.write('\r');
                }
                out.write('\n');
            }
        }
    }

    private void writeRedacted(LineReader lines, Redactor redactor, OutputStream out) throws IOException {
        byte[] buf = lines.buffer();
        int off = lines.start();
        int len = lines.length();
        if (!Utf8Repair.valid(buf, off, len)) {
            buf = Utf8Repair.repair(java.util.Arrays.copyOfRange(buf, off, off + len));
            off = 0;
            len = buf.length;
        }
        LineResult r;
        try {
            r = redactor.redact(buf, off, len);
        } catch (DetectionException e) {
            unchecked++;
            out.write(ERROR);
            return;
        }
        if (r.dropped()) {
            out.write(DROPPED);
        } else if (r.clean()) {
            out.write(buf, off, len);
        } else {
            out.write(r.output(), r.outputOffset(), r.outputLength());
        }
    }
}
