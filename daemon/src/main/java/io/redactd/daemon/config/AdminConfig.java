package io.redactd.daemon.config;

import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code admin:} the metrics and health listener.
 *
 * @param listen  {@code host:port}, default {@code 127.0.0.1:9780} (loopback: metrics are not for the network
 *                unless the operator says so); port 0 picks a free port
 * @param enabled default true
 */
public record AdminConfig(String listen, Boolean enabled) {
    public static final String DEFAULT_LISTEN = "127.0.0.1:9780";

    public AdminConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen.strip();
        enabled = enabled == null || enabled;
    }

    public String host() {
        String h = listen.substring(0, listen.lastIndexOf(':'));
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    public int port() {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            problems.add(ConfigProblem.of("listen", "expected host:port such as 127.0.0.1:9780, got '" + listen + "'"));
            return problems;
        }
        String port = listen.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
            problems.add(ConfigProblem.of("listen", "port must be a number from 0 to 65535, got '" + port + "'"));
        }
        return problems;
    }
}
