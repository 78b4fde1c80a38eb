package io.redactd.daemon.config;

import io.redactd.daemon.input.Input;
import io.redactd.daemon.input.file.FileInputConfig;
import io.redactd.outputs.Output;
import io.redactd.outputs.file.FileOutputConfig;

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

    private static String readBack(List<Path> files, List<ConfiguredComponent<?, Input>> inputs,
                                   List<Integer> inputIndexes) {
        for (int in = 0; in < inputs.size(); in++) {
            if (!(inputs.get(in).config() instanceof FileInputConfig input)) {
                continue;
            }
            String inputAt = ConfigTree.index("inputs", inputIndexes.get(in));
            for (int i = 0; i < files.size(); i++) {
                Optional<FileInputConfig.Reading> reading;
                try {
                    reading = input.reading(files.get(i));
                } catch (RuntimeException e) {
                    continue; // an invalid glob: reported by the input's own validation
                }
                if (reading.isEmpty()) {
                    continue;
                }
                String file = i == 0 ? "this file" : "its rotated file (path." + i + ")";
                String how = reading.get().matched().equals(files.get(i))
                        ? " (" + inputAt + "." + reading.get().key() + " matches it)"
                        : " as a rotated generation of a file " + inputAt + "." + reading.get().key() + " matches";
                return file + " is read by " + inputAt + how
                        + ": redactd would read its own output back, again and again, until the disk is full";
            }
        }
        return null;
    }
}
