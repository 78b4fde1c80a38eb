package io.redactd.daemon.config;

/**
 * A config problem located in the file: {@code inputs[0].path: no file or glob given (line 4)}.
 *
 * @param path    full dotted path from the root ({@code inputs[0].path}); empty for the document itself
 * @param message what is wrong; never holds a secret or event data
 * @param line    1-based line in the YAML file, or 0 when unknown
 */
public record Problem(String path, String message, int line) {
    @Override
    public String toString() {
        String where = path.isEmpty() ? "" : path + ": ";
        return where + message + (line > 0 ? " (line " + line + ")" : "");
    }
}
