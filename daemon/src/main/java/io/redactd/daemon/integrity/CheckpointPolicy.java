package io.redactd.daemon.integrity;

/**
 * When checkpoints are cut: after {@code everyEvents} events, or when {@code everyMillis} have passed since the last
 * one and at least one event is unsealed (an idle chain does not emit empty checkpoints).
 */
public record CheckpointPolicy(long everyEvents, long everyMillis) {
    public static final CheckpointPolicy DEFAULT = new CheckpointPolicy(10_000, 1_000);

    public CheckpointPolicy {
        if (everyEvents < 1) {
            throw new IllegalArgumentException("integrity.checkpoint_events must be >= 1, got " + everyEvents);
        }
        if (everyMillis < 1) {
            throw new IllegalArgumentException("integrity.checkpoint_interval_ms must be >= 1, got " + everyMillis);
        }
    }
}
