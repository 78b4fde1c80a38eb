package io.redactd.daemon.input.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.redactd.daemon.tls.ListenAddress;
import io.redactd.daemon.tls.TlsConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code inputs[] type: http}: NDJSON / text on {@code POST /v1/logs} and Splunk HEC on {@code /services/collector}.
 * HTTPS unless {@code insecure: true}; every request needs a configured token.
 *
 * @param maxBodyBytes          largest request body as sent (413 beyond)
 * @param maxDecompressedBytes  largest body after gzip inflation (413 beyond: zip-bomb guard)
 * @param maxLineBytes          largest single event
 * @param requestTimeoutSecs    a request must arrive completely within this time (cuts off slow senders)
 * @param maxInflightRequests   requests waiting for the pipeline; beyond it new ones get 503 + Retry-After
 * @param ackTimeoutSecs        a request whose events are not acknowledged in time gets 503 (the sender retries)
 * @param authFailureBurst      failed authentications a peer may make before it gets 429s
 * @param authFailuresPerMinute the rate it may fail at after that
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record HttpInputConfig(
        @JsonProperty("id") String id,
        @JsonProperty("type") String type,
        @JsonProperty("listen") String listen,
        @JsonProperty("tls") TlsConfig tls,
        @JsonProperty("insecure") Boolean insecure,
        @JsonProperty("tokens") List<TokenConfig> tokens,
        @JsonProperty("max_connections") Integer maxConnections,
        @JsonProperty("max_body_bytes") Integer maxBodyBytes,
        @JsonProperty("max_decompressed_bytes") Integer maxDecompressedBytes,
        @JsonProperty("max_line_bytes") Integer maxLineBytes,
        @JsonProperty("max_events_per_request") Integer maxEventsPerRequest,
        @JsonProperty("max_batch_events") Integer maxBatchEvents,
        @JsonProperty("idle_timeout_secs") Integer idleTimeoutSecs,
        @JsonProperty("handshake_timeout_secs") Integer handshakeTimeoutSecs,
        @JsonProperty("request_timeout_secs") Integer requestTimeoutSecs,
        @JsonProperty("max_inflight_requests") Integer maxInflightRequests,
        @JsonProperty("ack_timeout_secs") Integer ackTimeoutSecs,
        @JsonProperty("retry_after_secs") Integer retryAfterSecs,
        @JsonProperty("auth_failure_burst") Integer authFailureBurst,
        @JsonProperty("auth_failures_per_minute") Integer authFailuresPerMinute) {

    public static final String TYPE = "http";

    public HttpInputConfig {
        type = type == null ? TYPE : type;
        listen = listen == null ? "0.0.0.0:8088" : listen;
        insecure = insecure != null && insecure;
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        maxConnections = maxConnections == null ? 1024 : maxConnections;
        maxBodyBytes = maxBodyBytes == null ? 10 * 1024 * 1024 : maxBodyBytes;
        maxDecompressedBytes = maxDecompressedBytes == null ? 64 * 1024 * 1024 : maxDecompressedBytes;
        maxLineBytes = maxLineBytes == null ? 1024 * 1024 : maxLineBytes;
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
        return new HttpInputConfig(id, type, listen, tls, value, tokens, maxConnections, maxBodyBytes,
                maxDecompressedBytes, maxLineBytes, maxEventsPerRequest, maxBatchEvents, idleTimeoutSecs,
                handshakeTimeoutSecs, requestTimeoutSecs, maxInflightRequests, ackTimeoutSecs, retryAfterSecs,
                authFailureBurst, authFailuresPerMinute);
    }

    /** Reads the config strictly: unknown keys are refused with the list of known ones. */
    public static HttpInputConfig from(JsonNode node) {
        try {
            return STRICT.treeToValue(node, HttpInputConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("inputs[" + node.path("id").asText("?") + "]: unknown key '"
                    + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")", e);
        } catch (JsonProcessingException e) {
            Throwable root = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String why = root == e ? e.getOriginalMessage() : root.getMessage();
            throw new IllegalArgumentException("inputs[" + node.path("id").asText("?") + "]: " + why, e);
        }
    }

    public List<String> problems() {
        String at = "inputs[" + id + "]";
        List<String> problems = new ArrayList<>();
        if (id == null || id.isBlank()) {
            problems.add("inputs[]: id is required");
        }
        if (!TYPE.equals(type)) {
            problems.add(at + ".type: expected http, got " + type);
        }
        try {
            ListenAddress.parse(listen, at + ".listen");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (tls == null && !insecure) {
            problems.add(at + ".tls: required (cert and key); set insecure: true to accept plaintext HTTP");
        }
        if (tls != null && insecure) {
            problems.add(at + ": both tls and insecure: true given; choose one");
        }
        if (tls != null) {
            problems.addAll(tls.problems(at + ".tls"));
        }
        if (tokens.isEmpty()) {
            problems.add(at + ".tokens: at least one token is required (every request must authenticate)");
        }
        for (int i = 0; i < tokens.size(); i++) {
            problems.addAll(tokens.get(i).problems(at + ".tokens[" + i + "]"));
        }
        range(problems, at + ".max_connections", maxConnections, 1, 1_000_000);
        range(problems, at + ".max_body_bytes", maxBodyBytes, 1024, Integer.MAX_VALUE - 16);
        range(problems, at + ".max_decompressed_bytes", maxDecompressedBytes, 1024, Integer.MAX_VALUE - 16);
        range(problems, at + ".max_line_bytes", maxLineBytes, 64, maxDecompressedBytes);
        range(problems, at + ".max_events_per_request", maxEventsPerRequest, 1, 10_000_000);
        range(problems, at + ".max_batch_events", maxBatchEvents, 1, 100_000);
        range(problems, at + ".idle_timeout_secs", idleTimeoutSecs, 1, 86_400);
        range(problems, at + ".handshake_timeout_secs", handshakeTimeoutSecs, 1, 300);
        range(problems, at + ".request_timeout_secs", requestTimeoutSecs, 1, 3600);
        range(problems, at + ".max_inflight_requests", maxInflightRequests, 1, 100_000);
        range(problems, at + ".ack_timeout_secs", ackTimeoutSecs, 1, 3600);
        range(problems, at + ".retry_after_secs", retryAfterSecs, 1, 3600);
        range(problems, at + ".auth_failure_burst", authFailureBurst, 1, 10_000);
        range(problems, at + ".auth_failures_per_minute", authFailuresPerMinute, 1, 100_000);
        return problems;
    }

    private static void range(List<String> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(key + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
}
