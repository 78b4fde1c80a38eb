package io.redactd.daemon.cli;

/** Ends a command with a message on stderr and an exit code (2: bad usage, config or input; 1: runtime failure). */
final class CliFailure extends RuntimeException {
    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
