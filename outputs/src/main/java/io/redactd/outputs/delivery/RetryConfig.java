package io.redactd.outputs.delivery;

import io.redactd.outputs.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code retry:} how documents the server rejected as temporary (HTTP 429, 5xx) are retried.
 *
 * @param maxAttempts      sends of one document before it goes to the dead-letter file (default 8)
 * @param initialBackoffMs delay before the first retry; doubles each time, with jitter (default 200)
 * @param maxBackoffMs     ceiling of the delay (default 30000); also the ceiling while the server is unreachable
 */
public record RetryConfig(Integer maxAttempts, Long initialBackoffMs, Long maxBackoffMs) {
    public RetryConfig {
        maxAttempts = maxAttempts == null ? 8 : maxAttempts;
        initialBackoffMs = initialBackoffMs == null ? 200L : initialBackoffMs;
        maxBackoffMs = maxBackoffMs == null ? 30_000L : maxBackoffMs;
    }

    public static RetryConfig defaults() {
        return new RetryConfig(null, null, null);
    }

    public Backoff backoff() {
        return new Backoff(initialBackoffMs, maxBackoffMs);
    }

    public List<ConfigProblem> validate(String prefix) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (maxAttempts < 1 || maxAttempts > 100) {
            problems.add(ConfigProblem.of(prefix + "max_attempts", "must be between 1 and 100, got " + maxAttempts));
        }
        if (initialBackoffMs < 1 || initialBackoffMs > maxBackoffMs) {
            problems.add(ConfigProblem.of(prefix + "initial_backoff_ms",
                    "must be between 1 and max_backoff_ms (" + maxBackoffMs + "), got " + initialBackoffMs));
        }
        if (maxBackoffMs > 600_000) {
            problems.add(ConfigProblem.of(prefix + "max_backoff_ms", "must be at most 600000, got " + maxBackoffMs));
        }
        return problems;
    }
}
