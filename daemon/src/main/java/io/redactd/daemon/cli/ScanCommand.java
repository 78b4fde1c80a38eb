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
 * {@code redactd scan PATH...}: the CI gate. Reports {@code path:line:column TYPE} per finding (never the value),
 * exit 1 when anything was found, 0 when clean, 2 when a path could not be scanned. Binary files (a NUL byte in the
 * first 8 KiB) are skipped and named on stderr; {@code .git} directories are not entered; symbolic links are not
 * followed.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = {
        "Scan files and directories for PHI; print path:line:column TYPE per finding (never the value).",
        "Exit 1 if anything was found, 0 if clean, 2 on errors. Binary files are skipped (listed on stderr)."})
final class ScanCommand implements Callable<Integer> {
    private static final int SNIFF_BYTES = 8192;
    private static final int MAX_LINE_BYTES = LineRedactor.MAX_EVENT_BYTES; // the detectors' per-line limit

    @Mixin
    DetectionOptions detection;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories to scan.")
    List<Path> paths;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Redactor redactor;
    private PrintWriter out;
    private PrintWriter err;
    private long files;
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
        err.printf("scanned %d file(s), %d finding(s), %d binary skipped, %d error(s)%n", files, findings, skipped, errors);
        err.flush();
        return errors > 0 ? 2 : findings > 0 ? 1 : 0;
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
                    err.println("redactd: " + f + ": cannot read (" + e.getClass().getSimpleName() + ")");
                    errors++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            err.println("redactd: " + dir + ": cannot walk (" + e.getClass().getSimpleName() + ")");
            errors++;
        }
    }

    private void scanFile(Path f) {
        try {
            if (binary(f)) {
                err.println("skipped binary file: " + f);
                skipped++;
                return;
            }
            files++;
            try (InputStream in = Files.newInputStream(f)) {
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
            err.println("redactd: " + f + ": cannot read (" + e.getClass().getSimpleName() + ")");
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

    private static boolean binary(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(SNIFF_BYTES);
            for (byte b : head) {
                if (b == 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
