package io.redactd.outputs.splunk;

import io.redactd.outputs.ConfigProblem;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.HttpEndpoint;
import io.redactd.outputs.delivery.RetryConfig;
import io.redactd.outputs.delivery.TlsConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code type: splunk_hec} output: Splunk HTTP Event Collector, {@code /services/collector/event}.
 *
 * @param endpoint         {@code https://splunk:8088} (the collector path is appended)
 * @param tokenFile        file holding the HEC token (sent as {@code Authorization: Splunk <token>})
 * @param index            Splunk index; absent: the token's default index
 * @param source           {@code source} of every event (default {@code redactd})
 * @param sourcetype       {@code sourcetype} of every event (default {@code _json})
 * @param host             {@code host} of every event (default: this machine's host name)
 * @param gzip             compress request bodies (default true)
 * @param ack              indexer acknowledgement: events leave the buffer only once Splunk says they are indexed
 * @param channel          channel id (a UUID) for acknowledgement; default: a random one per start
 * @param tls              CA and hostname verification for https endpoints
 * @param batch            events per request, bytes per request, longest wait for a batch to fill
 * @param retry            backoff while Splunk is busy or unreachable; {@code max_attempts} bounds resends of events
 *                         whose acknowledgement never came
 * @param deadLetterPath   NDJSON file for events Splunk rejected as invalid
 * @param requestTimeoutMs how long one request may take before it is abandoned and retried (default 60000)
 * @param insecure         allow the token over plain http (default false)
 */
public record SplunkHecOutputConfig(
        String endpoint,
        String tokenFile,
        String index,
        String source,
        String sourcetype,
        String host,
        Boolean gzip,
        AckConfig ack,
        String channel,
        TlsConfig tls,
        BatchConfig batch,
        RetryConfig retry,
        String deadLetterPath,
        Long requestTimeoutMs,
        Boolean insecure) {

    /**
     * {@code ack:} indexer acknowledgement.
     *
     * @param enabled        poll {@code /services/collector/ack} and release events only when acknowledged (default false;
     *                       the token must have acknowledgement turned on in Splunk)
     * @param pollIntervalMs delay between polls (default 1000)
     * @param timeoutMs      resend events not acknowledged within this time (default 300000, as Splunk may hold a
     *                       partial batch for minutes before indexing it)
     */
    public record AckConfig(Boolean enabled, Long pollIntervalMs, Long timeoutMs) {
        public AckConfig {
            enabled = enabled != null && enabled;
            pollIntervalMs = pollIntervalMs == null ? 1000L : pollIntervalMs;
            timeoutMs = timeoutMs == null ? 300_000L : timeoutMs;
        }
    }

    public SplunkHecOutputConfig {
        source = source == null ? "redactd" : source;
        sourcetype = sourcetype == null ? "_json" : sourcetype;
        gzip = gzip == null || gzip;
        ack = ack == null ? new AckConfig(null, null, null) : ack;
        tls = tls == null ? TlsConfig.DEFAULT : tls;
        batch = batch == null ? new BatchConfig(1000, 5L << 20, 1000L) : batch;
        retry = retry == null ? RetryConfig.defaults() : retry;
        requestTimeoutMs = requestTimeoutMs == null ? 60_000L : requestTimeoutMs;
        insecure = insecure != null && insecure;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        String endpointProblem = HttpEndpoint.problem(endpoint);
        if (endpointProblem != null) {
            problems.add(ConfigProblem.of("endpoint", endpointProblem));
        } else if (!HttpEndpoint.parse(endpoint).tls() && !insecure) {
            problems.add(ConfigProblem.of("endpoint", "the HEC token would travel in clear text over http; use https or set insecure: true"));
        }
        if (tokenFile == null || tokenFile.isBlank()) {
            problems.add(ConfigProblem.of("token_file", "no HEC token file given"));
        } else if (!Files.isReadable(Path.of(tokenFile))) {
            problems.add(ConfigProblem.of("token_file", "cannot read " + tokenFile));
        }
        if (channel != null) {
            try {
                UUID.fromString(channel);
            } catch (IllegalArgumentException e) {
                problems.add(ConfigProblem.of("channel", "must be a UUID"));
            }
        }
        if (ack.pollIntervalMs() < 10 || ack.pollIntervalMs() > 60_000) {
            problems.add(ConfigProblem.of("ack.poll_interval_ms", "must be between 10 and 60000, got " + ack.pollIntervalMs()));
        }
        if (ack.timeoutMs() < ack.pollIntervalMs() || ack.timeoutMs() > 3_600_000) {
            problems.add(ConfigProblem.of("ack.timeout_ms", "must be between poll_interval_ms and 3600000, got " + ack.timeoutMs()));
        }
        problems.addAll(tls.validate("tls."));
        problems.addAll(batch.validate("batch."));
        problems.addAll(retry.validate("retry."));
        if (deadLetterPath == null || deadLetterPath.isBlank()) {
            problems.add(ConfigProblem.of("dead_letter_path", "no dead-letter file given (rejected events go there)"));
        }
        if (requestTimeoutMs < 1000 || requestTimeoutMs > 600_000) {
            problems.add(ConfigProblem.of("request_timeout_ms", "must be between 1000 and 600000, got " + requestTimeoutMs));
        }
        return problems;
    }
}
