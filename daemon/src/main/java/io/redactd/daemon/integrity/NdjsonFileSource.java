package io.redactd.daemon.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads newline-delimited JSON (the file output, or an export from a SIEM) in 1 MiB blocks without a String per line.
 * Blank lines are ignored, CRLF is accepted; a last line without its newline is verified if it is a complete event
 * and reported as a truncation if not. {@code -} reads standard input.
 *
 * <p>Several files are read one after the other in the order given, as one input (a rotated set, oldest first: see
 * {@link #rotationOrder}); line numbers then name their file.
 */
final class NdjsonFileSource implements EventSource {
    private static final int BLOCK = 1 << 20;
    /** {@code out.ndjson.12}: the file output's rotated generation 12 of {@code out.ndjson}. */
    private static final Pattern ROTATED = Pattern.compile("(.+)\\.(\\d{1,9})");
    private final List<Path> files;

    NdjsonFileSource(Path file) {
        this(List.of(file));
    }

    NdjsonFileSource(List<Path> files) {
        this.files = List.copyOf(files);
    }

    private static boolean stdin(Path file) {
        return file.toString().equals("-");
    }

    /**
     * The files in the order to read them: the file output keeps {@code path} (newest) and {@code path.1} ..
     * {@code path.N} (oldest), so the siblings of one path are ordered by generation, highest first, and the path
     * itself last — numerically, not as a shell glob sorts them ({@code .1 .10 .2}). Files of different bases keep
     * the order of their first appearance.
     */
    static List<Path> rotationOrder(List<Path> given) {
        Map<String, List<Path>> byBase = new LinkedHashMap<>();
        for (Path p : given) {
            byBase.computeIfAbsent(base(p), b -> new ArrayList<>()).add(p);
        }
        List<Path> ordered = new ArrayList<>(given.size());
        for (List<Path> group : byBase.values()) {
            group.sort(Comparator.comparingLong(NdjsonFileSource::generation).reversed());
            ordered.addAll(group);
        }
        return ordered;
    }

    /** The rotated siblings {@code file.N} that exist beside {@code file} (--rotated), without the file itself. */
    static List<Path> rotatedSiblings(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = ROTATED.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(name) && Files.isRegularFile(p)) {
                    found.add(file.resolveSibling(p.getFileName()));
                }
            }
        }
        return found;
    }

    private static String base(Path p) {
        Matcher m = ROTATED.matcher(p.getFileName() == null ? "" : p.getFileName().toString());
        Path b = m.matches() ? p.resolveSibling(m.group(1)) : p;
        return b.toAbsolutePath().normalize().toString();
    }

    private static long generation(Path p) {
        Matcher m = ROTATED.matcher(p.getFileName() == null ? "" : p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(2)) : 0;
    }

    @Override
    public void readAll(StreamVerifier verifier, Progress progress) throws IOException {
        long total = 0;
        for (Path f : files) {
            total = stdin(f) || total < 0 ? -1 : total + Files.size(f);
        }
        if (total >= 0) {
            progress.total(total);
        }
        long before = 0;
        for (Path f : files) {
            verifier.unit(files.size() == 1 ? "line" : f + " line");
            try (InputStream in = stdin(f) ? System.in : Files.newInputStream(f)) {
                before += read(in, verifier, progress, before);
            }
        }
    }

    /** Reads one file; returns its bytes. {@code before}: bytes of the files read before it, for the progress bar. */
    private static long read(InputStream in, StreamVerifier verifier, Progress progress, long before)
            throws IOException {
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
            progress.update(before + consumed, verifier.documentsRead());
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
        return consumed + (end - start);
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
