package io.redactd.outputs.stdout;

import io.redactd.outputs.ConfigProblem;

import java.util.List;

/** {@code type: stdout} output: NDJSON on standard output, flushed after every batch. It has no settings. */
public record StdoutOutputConfig() {
    public List<ConfigProblem> validate() {
        return List.of();
    }
}
