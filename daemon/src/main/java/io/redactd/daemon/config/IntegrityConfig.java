package io.redactd.daemon.config;

import io.redactd.daemon.integrity.CheckpointPolicy;
import io.redactd.outputs.ConfigProblem;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code integrity:} the hash chain over forwarded events (see daemon/README.md "Integrity").
 *
 * @param enabled              chain every forwarded event (default false until the pipeline stage is wired; the
 *                             intended default is true)
 * @param streamName           names this daemon's chain; the stream id is {@code <name>-<start time>} (default: the
 *                             host name)
 * @param checkpointEvents     a sealed checkpoint after this many events (default 10000)
 * @param checkpointIntervalMs or after this long with unsealed events (default 1000)
 */
public record IntegrityConfig(Boolean enabled, String streamName, Long checkpointEvents, Long checkpointIntervalMs) {
    public IntegrityConfig {
        enabled = enabled != null && enabled;
        streamName = streamName == null || streamName.isBlank() ? null : streamName;
        checkpointEvents = checkpointEvents == null ? CheckpointPolicy.DEFAULT.everyEvents() : checkpointEvents;
        checkpointIntervalMs = checkpointIntervalMs == null ? CheckpointPolicy.DEFAULT.everyMillis()
                : checkpointIntervalMs;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (checkpointEvents < 1 || checkpointEvents > 100_000_000L) {
            problems.add(ConfigProblem.of("checkpoint_events", "must be between 1 and 100000000, got "
                    + checkpointEvents));
        }
        if (checkpointIntervalMs < 10 || checkpointIntervalMs > 86_400_000L) {
            problems.add(ConfigProblem.of("checkpoint_interval_ms", "must be between 10 and 86400000, got "
                    + checkpointIntervalMs));
        }
        if (streamName != null && !streamName.matches("[A-Za-z0-9._-]{1,100}")) {
            problems.add(ConfigProblem.of("stream_name", "may hold only letters, digits, '.', '_' and '-' "
                    + "(1 to 100 characters)"));
        }
        return problems;
    }

    /** Valid only after {@link #validate()} found no problem. */
    public CheckpointPolicy checkpointPolicy() {
        return new CheckpointPolicy(checkpointEvents, checkpointIntervalMs);
    }

    /** The configured name, or the host name (looked up only when asked: a slow resolver must not slow config). */
    public String effectiveStreamName() {
        return streamName != null ? streamName : hostName();
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return (dot > 0 ? h.substring(0, dot) : h).replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (UnknownHostException e) {
            return "redactd";
        }
    }
}
