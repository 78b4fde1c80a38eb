package io.redactd.daemon.integrity;

/** A state file in state_dir exists but cannot be trusted. The message names the file and the fault, never content. */
public final class CorruptStateException extends Exception {
    public CorruptStateException(String message) {
        super(message);
    }
}
