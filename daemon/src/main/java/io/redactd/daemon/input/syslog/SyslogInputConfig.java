package io.redactd.daemon.input.syslog;

import io.redactd.daemon.input.EventLimit;
import io.redactd.daemon.tls.ListenAddress;
import io.redactd.daemon.tls.TlsConfig;
import io.redactd.outputs.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code inputs[] type: syslog}. TLS is required unless {@code insecure: true}; UDP only with {@code udp: true}.
 *
 * @param listen             {@code host:port} for TCP (default {@code 0.0.0.0:6514})
 * @param source             stamped as {@code event.dataset} (default: the input id)
 * @param udpListen          UDP address when {@code udp: true} (default: same as {@code listen})
 * @param maxFrameBytes      largest accepted message; larger frames are skipped and counted (at most
 *                           {@link EventLimit#MAX_BYTES}, what detection accepts)
 * @param maxBatchEvents     events per batch handed to the pipeline
 * @param maxInflightBatches per connection; beyond it the socket stops being read (back-pressure)
 */
public record SyslogInputConfig(
        String listen,
        TlsConfig tls,
        Boolean insecure,
        Boolean udp,
        String udpListen,
        String source,
        Integer maxConnections,
        Integer maxFrameBytes,
        Integer idleTimeoutSecs,
        Integer handshakeTimeoutSecs,
        Integer maxBatchEvents,
        Integer maxInflightBatches) {

    public SyslogInputConfig {
        listen = listen == null ? "0.0.0.0:6514" : listen;
        insecure = insecure != null && insecure;
        udp = udp != null && udp;
        udpListen = udpListen == null ? listen : udpListen;
        maxConnections = maxConnections == null ? 1024 : maxConnections;
        maxFrameBytes = maxFrameBytes == null ? 64 * 1024 : maxFrameBytes;
        idleTimeoutSecs = idleTimeoutSecs == null ? 300 : idleTimeoutSecs;
        handshakeTimeoutSecs = handshakeTimeoutSecs == null ? 10 : handshakeTimeoutSecs;
        maxBatchEvents = maxBatchEvents == null ? 512 : maxBatchEvents;
        maxInflightBatches = maxInflightBatches == null ? 4 : maxInflightBatches;
    }

    /** Every problem with this block, with paths relative to the input. */
    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        address(problems, "listen", listen);
        if (udp) {
            address(problems, "udp_listen", udpListen);
        }
        if (tls == null && !insecure) {
            problems.add(ConfigProblem.of("tls", "required (cert and key); set insecure: true to accept plaintext syslog"));
        }
        if (tls != null && insecure) {
            problems.add(ConfigProblem.of("insecure", "true together with tls: choose one"));
        }
        if (tls != null) {
            problems.addAll(tls.validate("tls"));
        }
        range(problems, "max_connections", maxConnections, 1, 1_000_000);
        // A frame holds at least the message that is scanned, so the frame limit bounds the event.
        EventLimit.problem(maxFrameBytes, 256).ifPresent(p -> problems.add(ConfigProblem.of("max_frame_bytes", p)));
        range(problems, "idle_timeout_secs", idleTimeoutSecs, 1, 86_400);
        range(problems, "handshake_timeout_secs", handshakeTimeoutSecs, 1, 300);
        range(problems, "max_batch_events", maxBatchEvents, 1, 100_000);
        range(problems, "max_inflight_batches", maxInflightBatches, 1, 1024);
        return problems;
    }

    static void address(List<ConfigProblem> problems, String key, String value) {
        try {
            ListenAddress.parse(value, key);
        } catch (IllegalArgumentException e) {
            problems.add(ConfigProblem.of(key, e.getMessage().substring(key.length() + 2)));
        }
    }

    static void range(List<ConfigProblem> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(ConfigProblem.of(key, "must be between " + min + " and " + max + ", got " + value));
        }
    }
}
