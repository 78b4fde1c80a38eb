package io.redactd.daemon.input.file;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs discovery in a separate process, so a test running as root can run it as an unprivileged user and meet a
 * real permission error. Prints {@code FOUND <path>} and {@code PROBLEM <path> <reason>} lines.
 */
public final class DiscoveryProbe {

    private DiscoveryProbe() {
    }

    public static void main(String[] args) {
        Discovery d = new Discovery(List.of(args[0]), List.of(),
                (path, reason) -> System.out.println("PROBLEM " + path + " " + reason));
        for (int i = 0; i < 3; i++) {
            for (Path p : d.scan()) {
                System.out.println("FOUND " + p);
            }
        }
    }
}
