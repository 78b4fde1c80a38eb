package io.redactd.daemon.cli;

import io.redactd.daemon.event.Utf8Repair;
import io.redactd.daemon.input.LineReader;
import io.redactd.detectors.DetectionException;
import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.redact.LineRedactor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code redactd scan PATH...}: the CI gate. Reports {@code path:line:column TYPE} per finding (never the value).
 * UTF-16 and UTF-32 text ({@link TextEncoding}) is transcoded to UTF-8 and scanned like any file. Binary files (a NUL
 * byte in the first 8 KiB and no UTF-16/32) are skipped and named on stderr, and are not "clean": with nothing found
 * and no error, skipped files make the exit code 3 unless {@code --allow-binary}. {@code .git} directories are not
 * entered; symbolic links are not followed.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = {
        "Scan files and directories for PHI; print path:line:column TYPE per finding (never the value).",
        "UTF-16/UTF-32 text (with a byte order mark, or UTF-16 recognised without one) is scanned as text.",
        "Binary files are skipped and listed on stderr (\"skipped binary file\"): they were not scanned.",
        "Exit codes: 0 every file scanned, nothing found; 1 something found; 2 a path could not be scanned;",
        "3 nothing found, but binary files were skipped (0 with --allow-binary)."})
final class ScanCommand implements Callable<Integer> {
    /** Exit code: nothing found and no error, but some files were skipped as binary, unscanned. */
    static final int EXIT_BINARY_SKIPPED = 3;
    private static final int SNIFF_BYTES = TextEncoding.SNIFF_BYTES;
    private static final int MAX_LINE_BYTES = LineRedactor.MAX_EVENT_BYTES; // the detectors' per-line limit

    @Mixin
    DetectionOptions detection;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories to scan.")
    List<Path> paths;

    @Option(names = "--allow-binary",
            description = "Skipped binary files do not make the exit code 3 (they are still listed on stderr).")
    boolean allowBinary;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Redactor redactor;
    private PrintWriter out;
    private PrintWriter err;
    private long files;
    private long transcoded;
    private long skipped;
    private long findings;
    private long errors;

    @Override
    public Integer call() {
        redactor = detection.compile().newRedactor();
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        for (Path p : paths) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                err.println("redactd: " + p + ": no such file or directory");
                errors++;
            } else if (Files.isDirectory(p)) {
                walk(p);
            } else {
                scanFile(p);
            }
        }
        out.flush();
        err.printf("scanned %d file(s)%s, %d finding(s), %d binary skipped (not scanned), %d error(s)%n", files,
                transcoded > 0 ? " (" + transcoded + " as UTF-16/UTF-32)" : "", findings, skipped, errors);
        int exit = errors > 0 ? 2 : findings > 0 ? 1 : skipped > 0 && !allowBinary ? EXIT_BINARY_SKIPPED : 0;
        if (exit == EXIT_BINARY_SKIPPED) {
            err.println("redactd: nothing found, but " + skipped + " binary file(s) were not scanned (exit 3; "
                    + "--allow-binary accepts them)");
        }
        err.flush();
        return exit;
    }

    private void walk(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return d.getFileName() != null && d.getFileName().toString().equals(".git") && !d.equals(dir)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        scanFile(f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    err.println("redactd: " + f + ": cannot read: " + IoReason.of(e));
                    errors++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            err.println("redactd: " + dir + ": cannot walk: " + IoReason.of(e));
            errors++;
        }
    }

    private void scanFile(Path f) {
        try (InputStream raw = Files.newInputStream(f)) {
            byte[] head = new byte[SNIFF_BYTES];
            int n = TextEncoding.readHead(raw, head);
            TextEncoding.Sniffed text = TextEncoding.sniff(head, n);
            if (text.binary()) {
                err.println("skipped binary file: " + f + " (not scanned)");
                skipped++;
                return;
            }
            files++;
            if (text.transcoded()) {
                transcoded++;
            }
            // One line of the transcoded text per line of the file: line numbers and columns (code points) hold.
            try (InputStream in = TextEncoding.utf8(text, head, n, raw, true)) {
                LineReader lines = new LineReader(in, MAX_LINE_BYTES, () -> { });
                long lineNo = 0;
                while (lines.next()) {
                    lineNo++;
                    if (lines.oversize()) {
                        err.println("redactd: " + f + ":" + lineNo + ": line longer than 1 MiB not scanned");
                        errors++;
                        continue;
                    }
                    scanLine(f, lineNo, lines.buffer(), lines.start(), lines.length());
                }
            }
        } catch (IOException e) {
            err.println("redactd: " + f + ": cannot read: " + IoReason.of(e));
            errors++;
        }
    }

    private void scanLine(Path f, long lineNo, byte[] buf, int off, int len) {
        if (!Utf8Repair.valid(buf, off, len)) {
            buf = Utf8Repair.repair(java.util.Arrays.copyOfRange(buf, off, off + len));
            off = 0;
            len = buf.length;
        }
        LineResult r;
        try {
            r = redactor.redact(buf, off, len);
        } catch (DetectionException e) {
            err.println("redactd: " + f + ":" + lineNo + ": detection failed (" + e.getMessage() + ")");
            errors++;
            return;
        }
        for (int i = 0; i < r.findingCount(); i++) {
            Finding fd = r.finding(i);
            out.println(f + ":" + lineNo + ":" + column(buf, off, fd.start()) + " " + fd.type());
            findings++;
        }
    }

    /** 1-based column in characters (code points), from a byte offset into the line. */
    private static int column(byte[] buf, int off, int start) {
        int col = 1;
        for (int i = off; i < off + start && i < buf.length; i++) {
            if ((buf[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        return col;
    }
}
