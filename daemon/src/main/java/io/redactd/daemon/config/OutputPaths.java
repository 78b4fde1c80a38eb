package io.redactd.daemon.config;

import io.redactd.daemon.input.Input;
import io.redactd.daemon.input.file.FileInputConfig;
import io.redactd.outputs.Output;
import io.redactd.outputs.file.FileOutputConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks across sections that each file output writes a file of its own that no input reads. A file input whose glob
 * matches an output file (or one of its rotations, {@code path.1} .. {@code path.N}) ships redactd's own output back
 * into it, event after event, until the disk is full; two outputs on one file write every event twice (and rotate
 * each other's data away). Neither shows up as an error at run time, so both are config problems.
 *
 * <p>Messages name config paths, not the files: a path may come from {@code ${...}}.
 */
final class OutputPaths {
    private OutputPaths() {
    }

    static void check(List<ConfiguredComponent<?, Input>> inputs, List<ConfiguredComponent<?, Output>> outputs,
                      ConfigBinder binder, List<Integer> inputIndexes, List<Integer> outputIndexes) {
        Map<Path, String> written = new HashMap<>(); // every file an output writes -> what writes it
        for (int o = 0; o < outputs.size(); o++) {
            if (!(outputs.get(o).config() instanceof FileOutputConfig out)) {
                continue;
            }
            String at = ConfigTree.index("outputs", outputIndexes.get(o));
            List<Path> files = files(out);
            if (files.isEmpty()) {
                continue; // no usable path: reported by the output's own validation
            }
            String problem = sharedWith(files, written, at);
            if (problem == null) {
                problem = readBack(files, inputs, inputIndexes);
            }
            if (problem != null) {
                binder.report(ConfigTree.child(at, "path"), problem);
            }
        }
    }

    /** The live file, then its rotations in {@link io.redactd.outputs.file.FileOutput}'s naming. */
    private static List<Path> files(FileOutputConfig out) {
        if (out.path() == null || out.path().isBlank()) {
            return List.of();
        }
        Path live;
        try {
            // As FileOutput opens it: relative to the working directory.
            live = Path.of(out.path()).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        files.add(live);
        int keep = Math.max(0, Math.min(out.maxFiles(), 1000));
        for (int n = 1; n <= keep; n++) {
            files.add(live.resolveSibling(live.getFileName() + "." + n));
        }
        return files;
    }

    private static String sharedWith(List<Path> files, Map<Path, String> written, String at) {
        String problem = null;
        for (int i = 0; i < files.size() && problem == null; i++) {
            String other = written.get(files.get(i));
            if (other == null) {
                continue;
            }
            String mine = i == 0 ? "this file" : "its rotated file (path." + i + ")";
            problem = mine + " is also written by " + other + ": every event would be written twice, and each output"
                    + " would rotate the other's events away";
        }
        for (int i = 0; i < files.size(); i++) {
            written.putIfAbsent(files.get(i), i == 0 ? at + ".path" : at + " (its rotated file path." + i + ")");
        }
        return problem;
    }

    /**
     * The output file's path, and the names it also has under each of the input's glob bases that exist and reach it
     * through a symbolic link ({@code in -> out}: the glob {@code in/*.log} would read {@code out/x.log}).
     */
    static List<Path> namesFor(Path file, FileInputConfig input) {
        List<Path> names = new ArrayList<>(List.of(file));
        Path real;
        try {
            Path parent = file.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                return names;
            }
            real = parent.toRealPath().resolve(file.getFileName());
        } catch (IOException | RuntimeException e) {
            return names;
        }
        if (!real.equals(file)) {
            names.add(real);
        }
        for (String glob : input.paths() == null ? List.<String>of() : input.paths()) {
            Path base = globBase(glob);
            try {
                if (base != null && Files.isDirectory(base)) {
                    Path baseReal = base.toRealPath();
                    if (real.startsWith(baseReal) && !baseReal.equals(base)) {
                        names.add(base.resolve(baseReal.relativize(real)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable: nothing to compare
            }
        }
        return names;
    }

    /** The directory a glob's literal part names: everything before the segment with the first wildcard. */
    private static Path globBase(String glob) {
        if (glob == null || glob.isBlank()) {
            return null;
        }
        int meta = glob.length();
        for (char c : new char[] {'*', '?', '[', '{'}) {
            int at = glob.indexOf(c);
            if (at >= 0) {
                meta = Math.min(meta, at);
            }
        }
        int slash = glob.lastIndexOf('/', meta == glob.length() ? glob.length() - 1 : meta);
        if (slash <= 0) {
            return null;
        }
        try {
            return Path.of(glob.substring(0, slash)).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String readBack(List<Path> files, List<ConfiguredComponent<?, Input>> inputs,
                                   List<Integer> inputIndexes) {
        for (int in = 0; in < inputs.size(); in++) {
            if (!(inputs.get(in).config() instanceof FileInputConfig input)) {
                continue;
            }
            String inputAt = ConfigTree.index("inputs", inputIndexes.get(in));
            for (int i = 0; i < files.size(); i++) {
                Optional<FileInputConfig.Reading> reading = Optional.empty();
                for (Path name : namesFor(files.get(i), input)) {
                    try {
                        reading = input.reading(name);
                    } catch (RuntimeException e) {
                        reading = Optional.empty(); // an invalid glob: reported by the input's own validation
                    }
                    if (reading.isPresent()) {
                        break;
                    }
                }
                if (reading.isEmpty()) {
                    continue;
                }
                String file = i == 0 ? "this file" : "its rotated file (path." + i + ")";
                String how = reading.get().matched().getFileName().equals(files.get(i).getFileName())
                        ? " (" + inputAt + "." + reading.get().key() + " matches it)"
                        : " as a rotated generation of a file " + inputAt + "." + reading.get().key() + " matches";
                return file + " is read by " + inputAt + how
                        + ": redactd would read its own output back, again and again, until the disk is full";
            }
        }
        return null;
    }
}
