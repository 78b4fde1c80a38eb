package io.redactd.outputs.buffer;

/**
 * An append the buffer refused or gave up because it is closed (the daemon is stopping, or a failed fsync stopped
 * appends): nothing of it was written or acknowledged, so its input sends it again after the restart. Its own type,
 * not a bare {@link IllegalStateException}: callers that log only an exception's class (inputs never log messages
 * that might quote data) then still say what happened.
 */
public final class BufferClosedException extends IllegalStateException {
    BufferClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
