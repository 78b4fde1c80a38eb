package io.redactd.packaging.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A systemd unit file read as systemd does: sections of KEY=VALUE lines, repeated keys accumulate. */
record UnitFile(Map<String, List<String>> settings) {

    static UnitFile read(Path file) throws IOException {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(file + ": not KEY=VALUE: " + line);
            }
            settings.computeIfAbsent(section + "." + line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return new UnitFile(settings);
    }

    /** Every value given to {@code Section.Key}, in order; empty list if never set. */
    List<String> all(String key) {
        return settings.getOrDefault(key, List.of());
    }

    /** The effective single value (the last assignment wins). */
    String get(String key) {
        List<String> values = all(key);
        if (values.isEmpty()) {
            throw new AssertionError(key + " is not set");
        }
        return values.get(values.size() - 1);
    }
}
