package io.redactd.daemon.alert;

import io.redactd.outputs.ConfigProblem;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code alerts.sources[]} rule: which events it covers (by input id and/or file path glob; both given means
 * both must match) and what a finding there means.
 *
 * @param input    input id ({@code inputs[].id}); absent: any input
 * @param path     glob on {@code log.file.path} ({@code /var/log/ehr/*.log}); absent: any path (and non-file sources)
 * @param types    PHI types that count as a leak here; absent or empty: every type
 * @param expected true for sources where PHI is expected (an EHR audit log): findings are only counted
 */
public record SourceRule(String input, String path, List<String> types, Boolean expected) {
    public SourceRule {
        types = types == null ? List.of() : List.copyOf(types);
        expected = expected != null && expected;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (input == null && path == null) {
            problems.add(ConfigProblem.of("", "give input and/or path"));
        }
        if (path != null) {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + path);
            } catch (IllegalArgumentException e) {
                problems.add(ConfigProblem.of("path", "not a valid glob: " + e.getMessage()));
            }
        }
        for (int i = 0; i < types.size(); i++) {
            String t = types.get(i);
            if (t == null || !t.matches("[A-Z][A-Z0-9_]*")) {
                problems.add(ConfigProblem.of("types[" + i + "]", "PHI type names are upper case, e.g. SSN; got '" + t + "'"));
            }
        }
        return problems;
    }

    /** The compiled form used by {@link AlertPolicy}. */
    PathMatcher pathMatcher() {
        return path == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + path);
    }

    boolean matchesPath(PathMatcher matcher, String file) {
        return matcher == null || (file != null && matcher.matches(Path.of(file)));
    }
}
