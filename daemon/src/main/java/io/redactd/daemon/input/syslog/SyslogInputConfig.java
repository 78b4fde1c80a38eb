package io.redactd.daemon.input.syslog;

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
 * {@code inputs[] type: syslog}. TLS is required unless {@code insecure: true}; UDP only with {@code udp: true}.
 *
 * @param source                 stamped as {@code event.dataset} (default: the input id)
 * @param udpListen              UDP address when {@code udp: true} (default: same as {@code listen})
 * @param maxFrameBytes          largest accepted message; larger frames are skipped and counted
 * @param maxBatchEvents         events per batch handed to the pipeline
 * @param maxInflightBatches     per connection; beyond it the socket stops being read (back-pressure)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SyslogInputConfig(
        @JsonProperty("id") String id,
        @JsonProperty("type") String type,
        @JsonProperty("listen") String listen,
        @JsonProperty("tls") TlsConfig tls,
        @JsonProperty("insecure") Boolean insecure,
        @JsonProperty("udp") Boolean udp,
        @JsonProperty("udp_listen") String udpListen,
        @JsonProperty("source") String source,
        @JsonProperty("max_connections") Integer maxConnections,
        @JsonProperty("max_frame_bytes") Integer maxFrameBytes,
        @JsonProperty("idle_timeout_secs") Integer idleTimeoutSecs,
        @JsonProperty("handshake_timeout_secs") Integer handshakeTimeoutSecs,
        @JsonProperty("max_batch_events") Integer maxBatchEvents,
        @JsonProperty("max_inflight_batches") Integer maxInflightBatches) {

    public static final String TYPE = "syslog";

    public SyslogInputConfig {
        type = type == null ? TYPE : type;
        listen = listen == null ? "0.0.0.0:6514" : listen;
        insecure = insecure != null && insecure;
        udp = udp != null && udp;
        udpListen = udpListen == null ? listen : udpListen;
        source = source == null ? id : source;
        maxConnections = maxConnections == null ? 1024 : maxConnections;
        maxFrameBytes = maxFrameBytes == null ? 64 * 1024 : maxFrameBytes;
        idleTimeoutSecs = idleTimeoutSecs == null ? 300 : idleTimeoutSecs;
        handshakeTimeoutSecs = handshakeTimeoutSecs == null ? 10 : handshakeTimeoutSecs;
        maxBatchEvents = maxBatchEvents == null ? 512 : maxBatchEvents;
        maxInflightBatches = maxInflightBatches == null ? 4 : maxInflightBatches;
    }

    /** Reads the config strictly: unknown keys are refused with the list of known ones. */
    public static SyslogInputConfig from(JsonNode node) {
        try {
            return STRICT.treeToValue(node, SyslogInputConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("inputs[" + node.path("id").asText("?") + "]: unknown key '"
                    + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")", e);
        } catch (JsonProcessingException e) {
            Throwable root = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String why = root == e ? e.getOriginalMessage() : root.getMessage();
            throw new IllegalArgumentException("inputs[" + node.path("id").asText("?") + "]: " + why, e);
        }
    }

    /** Every problem with this block, each naming its key. */
    public List<String> problems() {
        String at = "inputs[" + id + "]";
        List<String> problems = new ArrayList<>();
        if (id == null || id.isBlank()) {
            problems.add("inputs[]: id is required");
        }
        if (!TYPE.equals(type)) {
            problems.add(at + ".type: expected syslog, got " + type);
        }
        addIfInvalid(problems, () -> ListenAddress.parse(listen, at + ".listen"));
        if (udp) {
            addIfInvalid(problems, () -> ListenAddress.parse(udpListen, at + ".udp_listen"));
        }
        if (tls == null && !insecure) {
            problems.add(at + ".tls: required (cert and key); set insecure: true to accept plaintext syslog");
        }
        if (tls != null && insecure) {
            problems.add(at + ": both tls and insecure: true given; choose one");
        }
        if (tls != null) {
            problems.addAll(tls.problems(at + ".tls"));
        }
        range(problems, at + ".max_connections", maxConnections, 1, 1_000_000);
        range(problems, at + ".max_frame_bytes", maxFrameBytes, 256, 64 * 1024 * 1024);
        range(problems, at + ".idle_timeout_secs", idleTimeoutSecs, 1, 86_400);
        range(problems, at + ".handshake_timeout_secs", handshakeTimeoutSecs, 1, 300);
        range(problems, at + ".max_batch_events", maxBatchEvents, 1, 100_000);
        range(problems, at + ".max_inflight_batches", maxInflightBatches, 1, 1024);
        return problems;
    }

    private static void range(List<String> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(key + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void addIfInvalid(List<String> problems, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
}
