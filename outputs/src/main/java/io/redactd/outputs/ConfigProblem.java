package io.redactd.outputs;

/**
 * One problem found while validating a component's configuration. Shared by every component config (outputs here,
 * inputs and the rest in the daemon) so they all report the same way; the daemon's config loader prefixes the
 * component's position ({@code outputs[1].}) and adds the YAML line.
 *
 * @param path    dotted path relative to the component, e.g. {@code max_bytes} or {@code tls.ca_file}; empty for the
 *                component itself
 * @param message what is wrong, in terms an operator can act on; never contains event data
 */
public record ConfigProblem(String path, String message) {
    public static ConfigProblem of(String path, String message) {
        return new ConfigProblem(path, message);
    }
}
