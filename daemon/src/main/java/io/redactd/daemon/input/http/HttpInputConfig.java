package io.redactd.daemon.input.http;

import io.redactd.daemon.input.EventLimit;
import io.redactd.daemon.tls.ListenAddress;
import io.redactd.daemon.tls.TlsConfig;
import io.redactd.outputs.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code inputs[] type: http}: NDJSON / text on {@code POST /v1/logs} and Splunk HEC on {@code /services/collector}.
 * HTTPS unless {@code insecure: true}; every request needs a configured token.
 *
 * @param maxBodyBytes          largest request body as sent (413 beyond)
 * @param maxDecompressedBytes  largest body after gzip inflation (413 beyond: zip-bomb guard)
 * @param maxLineBytes          largest single event (at most {@link EventLimit#MAX_BYTES}, what detection accepts)
 * @param requestTimeoutSecs    a request must arrive completely within this time (cuts off slow senders)
 * @param maxInflightRequests   requests waiting for the pipeline; beyond it new ones get 503 + Retry-After
 * @param maxRequestMemoryBytes bytes all requests may hold at once (bodies, inflated bodies, events until acknowledged);
 *                              beyond it new ones get 503 + Retry-After. Null: a quarter of the max heap, shared by
 *                              every http input that does not set it
 * @param ackTimeoutSecs        a request whose events are not acknowledged in time gets 503 (the sender retries)
 * @param authFailureBurst      failed authentications a peer may make before it gets 429s
 * @param authFailuresPerMinute the rate it may fail at after that
 */
public record HttpInputConfig(
        String listen,
        TlsConfig tls,
        Boolean insecure,
        List<TokenConfig> tokens,
        Integer maxConnections,
        Integer maxBodyBytes,
        Integer maxDecompressedBytes,
        Integer maxLineBytes,
        Integer maxEventsPerRequest,
        Integer maxBatchEvents,
        Integer idleTimeoutSecs,
        Integer handshakeTimeoutSecs,
        Integer requestTimeoutSecs,
        Integer maxInflightRequests,
        Integer ackTimeoutSecs,
        Integer retryAfterSecs,
        Integer authFailureBurst,
        Integer authFailuresPerMinute,
        Long maxRequestMemoryBytes) {

    public HttpInputConfig {
        listen = listen == null ? "0.0.0.0:8088" : listen;
        insecure = insecure != null && insecure;
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        maxConnections = maxConnections == null ? 1024 : maxConnections;
        maxBodyBytes = maxBodyBytes == null ? 10 * 1024 * 1024 : maxBodyBytes;
        maxDecompressedBytes = maxDecompressedBytes == null ? 64 * 1024 * 1024 : maxDecompressedBytes;
        maxLineBytes = maxLineBytes == null ? EventLimit.MAX_BYTES : maxLineBytes;
        maxEventsPerRequest = maxEventsPerRequest == null ? 100_000 : maxEventsPerRequest;
        maxBatchEvents = maxBatchEvents == null ? 1000 : maxBatchEvents;
        idleTimeoutSecs = idleTimeoutSecs == null ? 60 : idleTimeoutSecs;
        handshakeTimeoutSecs = handshakeTimeoutSecs == null ? 10 : handshakeTimeoutSecs;
        requestTimeoutSecs = requestTimeoutSecs == null ? 30 : requestTimeoutSecs;
        maxInflightRequests = maxInflightRequests == null ? 64 : maxInflightRequests;
        ackTimeoutSecs = ackTimeoutSecs == null ? 30 : ackTimeoutSecs;
        retryAfterSecs = retryAfterSecs == null ? 5 : retryAfterSecs;
        authFailureBurst = authFailureBurst == null ? 10 : authFailureBurst;
        authFailuresPerMinute = authFailuresPerMinute == null ? 6 : authFailuresPerMinute;
    }

    public HttpInputConfig withInsecure(boolean value) {
        return new HttpInputConfig(listen, tls, value, tokens, maxConnections, maxBodyBytes,
                maxDecompressedBytes, maxLineBytes, maxEventsPerRequest, maxBatchEvents, idleTimeoutSecs,
                handshakeTimeoutSecs, requestTimeoutSecs, maxInflightRequests, ackTimeoutSecs, retryAfterSecs,
                authFailureBurst, authFailuresPerMinute, maxRequestMemoryBytes);
    }

    /** Every problem with this block, with paths relative to the input. */
    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        try {
            ListenAddress.parse(listen, "listen");
        } catch (IllegalArgumentException e) {
            problems.add(ConfigProblem.of("listen", e.getMessage().substring("listen: ".length())));
        }
        if (tls == null && !insecure) {
            problems.add(ConfigProblem.of("tls", "required (cert and key); set insecure: true to accept plaintext HTTP"));
        }
        if (tls != null && insecure) {
            problems.add(ConfigProblem.of("insecure", "true together with tls: choose one"));
        }
        if (tls != null) {
            problems.addAll(tls.validate("tls"));
        }
        if (tokens.isEmpty()) {
            problems.add(ConfigProblem.of("tokens", "at least one token is required (every request must authenticate)"));
        }
        for (int i = 0; i < tokens.size(); i++) {
            problems.addAll(tokens.get(i).validate("tokens[" + i + "]"));
        }
        range(problems, "max_connections", maxConnections, 1, 1_000_000);
        range(problems, "max_body_bytes", maxBodyBytes, 1024, Integer.MAX_VALUE - 16);
        range(problems, "max_decompressed_bytes", maxDecompressedBytes, 1024, Integer.MAX_VALUE - 16);
        // A line (or HEC event) is one event: beyond what detection accepts it would be taken, then dropped.
        Optional<String> eventLimit = EventLimit.problem(maxLineBytes, 64);
        if (eventLimit.isPresent()) {
            problems.add(ConfigProblem.of("max_line_bytes", eventLimit.get()));
        } else {
            range(problems, "max_line_bytes", maxLineBytes, 64, maxDecompressedBytes);
        }
        range(problems, "max_events_per_request", maxEventsPerRequest, 1, 10_000_000);
        range(problems, "max_batch_events", maxBatchEvents, 1, 100_000);
        range(problems, "idle_timeout_secs", idleTimeoutSecs, 1, 86_400);
        range(problems, "handshake_timeout_secs", handshakeTimeoutSecs, 1, 300);
        range(problems, "request_timeout_secs", requestTimeoutSecs, 1, 3600);
        range(problems, "max_inflight_requests", maxInflightRequests, 1, 100_000);
        range(problems, "ack_timeout_secs", ackTimeoutSecs, 1, 3600);
        range(problems, "retry_after_secs", retryAfterSecs, 1, 3600);
        range(problems, "auth_failure_burst", authFailureBurst, 1, 10_000);
        range(problems, "auth_failures_per_minute", authFailuresPerMinute, 1, 100_000);
        if (maxRequestMemoryBytes != null) {
            long heap = Runtime.getRuntime().maxMemory();
            long largest = Math.max(maxBodyBytes, maxDecompressedBytes);
            if (maxRequestMemoryBytes < largest) {
                problems.add(ConfigProblem.of("max_request_memory_bytes", "must be at least max_body_bytes and "
                        + "max_decompressed_bytes (" + largest + "), or a request within those limits could never be "
                        + "accepted; got " + maxRequestMemoryBytes));
            } else if (heap != Long.MAX_VALUE && maxRequestMemoryBytes > heap / 10 * 9) {
                problems.add(ConfigProblem.of("max_request_memory_bytes", "must leave the rest of the daemon room: at "
                        + "most 90% of the max heap (" + heap / 10 * 9 + " of " + heap + " bytes, -Xmx); got "
                        + maxRequestMemoryBytes));
            }
        }
        return problems;
    }

    private static void range(List<ConfigProblem> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(ConfigProblem.of(key, "must be between " + min + " and " + max + ", got " + value));
        }
    }
}
