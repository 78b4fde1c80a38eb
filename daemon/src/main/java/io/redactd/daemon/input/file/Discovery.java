package io.redactd.daemon.input.file;


import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Expands the input's globs to the regular files they match. A directory or file that cannot be read is logged once
 * (until it becomes readable again) and counted, never fatal: the other files are still found.
 */
final class Discovery {

    /**
     * Directories remembered (and watched) per input. A node's pod logs sit one or two directories deep each, so
     * 20,000 files can mean tens of thousands of directories; beyond this, or beyond the system's inotify limit
     * ({@code fs.inotify.max_user_watches}), the input falls back to scanning every glob_interval_ms.
     */
    private static final int MAX_WATCHED_DIRS = 65_536;

    private record Glob(String text, Path base, int maxDepth, List<PathMatcher> matchers) {
    }

    private final List<Glob> globs = new ArrayList<>();
    private final List<PathMatcher> excludePaths = new ArrayList<>();
    private final List<PathMatcher> excludeNames = new ArrayList<>();
    private final BiConsumer<Path, String> onProblem;
    private final Map<Path, String> reported = new HashMap<>();
    /** Directories the last scan went through (a deleted pod's directory is forgotten with the next scan). */
    private Set<Path> directories = new LinkedHashSet<>();
    private Set<Path> scanning = new LinkedHashSet<>();
    private boolean capped;
    private static final Set<Path> PSEUDO_FILESYSTEMS = Set.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

    /**
     * @param onProblem called once per newly failing path with a reason ({@code permission_denied},
     *                  {@code symlink_loop}, {@code symlink_out_of_tree}, {@code not_regular_file},
     *                  {@code not_a_directory}, {@code too_many_open_files}, {@code io_error})
     */
    Discovery(List<String> paths, List<String> exclude, BiConsumer<Path, String> onProblem) {
        this.onProblem = onProblem;
        for (String glob : paths) {
            globs.add(compile(glob));
        }
        for (String glob : exclude) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            (glob.contains("/") ? excludePaths : excludeNames).add(m);
        }
    }

    private static Glob compile(String glob) {
        String[] parts = glob.split("/");
        StringBuilder base = new StringBuilder();
        int i = 0;
        for (; i < parts.length; i++) {
            if (hasMeta(parts[i])) {
                break;
            }
            if (!parts[i].isEmpty()) {
                base.append('/').append(parts[i]);
            }
        }
        Path basePath = Path.of(base.length() == 0 ? "/" : base.toString());
        int depth = glob.contains("**") ? Integer.MAX_VALUE : parts.length - i;
        List<PathMatcher> matchers = new ArrayList<>();
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        // "a/**/b" should also match "a/b", as in most tools' globs.
        if (glob.contains("/**/")) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.replace("/**/", "/")));
        }
        return new Glob(glob, basePath, depth, matchers);
    }

    private static boolean hasMeta(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** The regular files matched now, in a stable order. */
    Set<Path> scan() {
        return scanWithKeys().keySet();
    }

    /**
     * The regular files matched now, in a stable order, each with its device:inode key as the scan's own stat saw it
     * (null where that stat cannot tell): the input then needs no second stat per file and scan to identify them.
     */
    Map<Path, String> scanWithKeys() {
        Map<Path, String> found = new LinkedHashMap<>();
        Set<Path> failing = new LinkedHashSet<>();
        scanning = new LinkedHashSet<>();
        capped = false;
        for (Glob glob : globs) {
            if (glob.maxDepth == 0) {
                literal(glob.base, found, failing);
            } else {
                walk(glob, found, failing);
            }
        }
        // A path that no longer fails is forgotten, so a new failure of it is reported again.
        reported.keySet().retainAll(failing);
        directories = scanning;
        return found;
    }

    /** Directories seen by the last scan (to watch for changes); bounded. */
    Set<Path> directories() {
        return directories;
    }

    /** True once the bound on {@link #directories()} is reached: directories seen since may be missing from it. */
    boolean directoriesCapped() {
        return capped;
    }

    private void literal(Path path, Map<Path, String> found, Set<Path> failing) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (attrs.isRegularFile()) {
                if (!excluded(path)) {
                    found.putIfAbsent(path, key(attrs));
                }
            } else {
                problem(path, "not_regular_file", failing);
            }
            remember(path.getParent());
        } catch (NoSuchFileException e) {
            remember(path.getParent());
        } catch (IOException e) {
            problem(path, reason(e), failing);
        }
    }

    private void walk(Glob glob, Map<Path, String> found, Set<Path> failing) {
        if (!Files.exists(glob.base)) {
            return;
        }
        Path baseReal;
        try {
            baseReal = glob.base.toRealPath();
        } catch (IOException e) {
            problem(glob.base, reason(e), failing);
            return;
        }
        try {
            Files.walkFileTree(glob.base, EnumSet.of(FileVisitOption.FOLLOW_LINKS), glob.maxDepth,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            // A link inside the tree is followed (loops are caught by the walk); one that leads out
                            // of it is not: a `dir/**` glob must not end up walking / (and /proc, and this
                            // daemon's own output through /proc/self/cwd) because someone linked a directory there.
                            if (!dir.equals(glob.base) && Files.isSymbolicLink(dir)) {
                                try {
                                    if (!dir.toRealPath().startsWith(baseReal)) {
                                        problem(dir, "symlink_out_of_tree", failing);
                                        return FileVisitResult.SKIP_SUBTREE;
                                    }
                                } catch (IOException e) {
                                    problem(dir, reason(e), failing);
                                    return FileVisitResult.SKIP_SUBTREE;
                                }
                            }
                            if (PSEUDO_FILESYSTEMS.contains(dir)) {
                                return FileVisitResult.SKIP_SUBTREE; // a `/**` glob: kernel views, never log files
                            }
                            remember(dir);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (attrs.isDirectory() || !matches(glob, file) || excluded(file)) {
                                return FileVisitResult.CONTINUE;
                            }
                            if (attrs.isRegularFile()) {
                                found.putIfAbsent(file, key(attrs));
                            } else {
                                problem(file, "not_regular_file", failing);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (!(e instanceof NoSuchFileException)) {
                                problem(file, reason(e), failing);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            problem(glob.base, reason(e), failing);
        }
    }

    /**
     * The index of the first glob that matches {@code file} when no exclude does, else -1: what a scan would decide
     * for it, without touching the file system (the config check asks whether an output file would be read).
     */
    int globMatching(Path file) {
        if (excluded(file)) {
            return -1;
        }
        for (int i = 0; i < globs.size(); i++) {
            if (matches(globs.get(i), file)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(Glob glob, Path file) {
        for (PathMatcher m : glob.matchers) {
            if (m.matches(file)) {
                return true;
            }
        }
        return false;
    }

    boolean excluded(Path file) {
        for (PathMatcher m : excludePaths) {
            if (m.matches(file)) {
                return true;
            }
        }
        Path name = file.getFileName();
        for (PathMatcher m : excludeNames) {
            if (name != null && m.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private void remember(Path dir) {
        if (dir != null && scanning.size() < MAX_WATCHED_DIRS) {
            scanning.add(dir);
        } else if (dir != null && !scanning.contains(dir)) {
            capped = true;
        }
    }

    /**
     * The {@code dev:ino} key of a file from attributes already read: on Linux the file key prints as
     * {@code (dev=<hex>,ino=<decimal>)}. Null if it has another form (then the caller stats the file itself).
     */
    static String key(BasicFileAttributes attrs) {
        Object k = attrs.fileKey();
        if (k == null) {
            return null;
        }
        String s = k.toString();
        int comma = s.indexOf(",ino=");
        if (!s.startsWith("(dev=") || comma < 0 || !s.endsWith(")")) {
            return null;
        }
        try {
            long dev = Long.parseUnsignedLong(s, 5, comma, 16);
            long ino = Long.parseLong(s, comma + 5, s.length() - 1, 10);
            return dev + ":" + ino;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission_denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                && f.getReason().contains("Too many open files")) {
            return "too_many_open_files"; // every tailed file stays open: LimitNOFILE, or a narrower glob
        }
        if (e instanceof FileSystemLoopException) {
            return "symlink_loop";
        }
        if (e instanceof NotDirectoryException) {
            return "not_a_directory";
        }
        return "io_error";
    }

    private void problem(Path path, String reason, Set<Path> failing) {
        failing.add(path);
        if (reported.putIfAbsent(path, reason) == null) {
            onProblem.accept(path, reason); // the input logs it (with the path as its detectors show it) and counts it
        }
    }
}
