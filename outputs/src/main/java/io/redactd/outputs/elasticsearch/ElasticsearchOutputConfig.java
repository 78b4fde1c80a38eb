package io.redactd.outputs.elasticsearch;

import io.redactd.outputs.ConfigProblem;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.HttpEndpoint;
import io.redactd.outputs.delivery.RetryConfig;
import io.redactd.outputs.delivery.TlsConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: elasticsearch} output (Elasticsearch 7/8 and OpenSearch 1/2, through the plain {@code _bulk} API).
 *
 * @param endpoint         {@code http(s)://host:port}, optionally with a path prefix
 * @param index            index name; {@code %Y %m %d %H} are replaced from the event's {@code @timestamp} (UTC), or
 *                         the current time when it has none (default {@code logs-redactd-%Y.%m.%d})
 * @param dataStream       write with {@code op_type: create}, as data streams require (default false)
 * @param username         basic-auth user; the password comes from {@code password_file}
 * @param passwordFile     file holding the basic-auth password
 * @param apiKeyFile       file holding an encoded API key (sent as {@code Authorization: ApiKey ...}); excludes
 *                         username/password
 * @param tls              CA and hostname verification for https endpoints
 * @param gzip             compress request bodies (default true)
 * @param batch            request size limits and the longest wait for a batch to fill
 * @param retry            attempts and backoff for items the server rejects as temporary (429, 5xx)
 * @param deadLetterPath   NDJSON file for documents rejected for good (mapping errors, other 4xx, retries exhausted)
 * @param template         optional index template with ECS mappings, installed at start
 * @param requestTimeoutMs how long one {@code _bulk} request may take before it is abandoned and retried (default 60000)
 * @param insecure         allow credentials over plain http (default false)
 */
public record ElasticsearchOutputConfig(
        String endpoint,
        String index,
        Boolean dataStream,
        String username,
        String passwordFile,
        String apiKeyFile,
        TlsConfig tls,
        Boolean gzip,
        BatchConfig batch,
        RetryConfig retry,
        String deadLetterPath,
        TemplateConfig template,
        Long requestTimeoutMs,
        Boolean insecure) {

    public static final String DEFAULT_INDEX = "logs-redactd-%Y.%m.%d";

    /**
     * {@code template:} the index template installed at start.
     *
     * @param install install (or replace) the template at start (default false)
     * @param name    template name (default {@code redactd})
     */
    public record TemplateConfig(Boolean install, String name) {
        public TemplateConfig {
            install = install != null && install;
            name = name == null ? "redactd" : name;
        }
    }

    public ElasticsearchOutputConfig {
        index = index == null ? DEFAULT_INDEX : index;
        dataStream = dataStream != null && dataStream;
        tls = tls == null ? TlsConfig.DEFAULT : tls;
        gzip = gzip == null || gzip;
        batch = batch == null ? BatchConfig.defaults() : batch;
        retry = retry == null ? RetryConfig.defaults() : retry;
        template = template == null ? new TemplateConfig(null, null) : template;
        requestTimeoutMs = requestTimeoutMs == null ? 60_000L : requestTimeoutMs;
        insecure = insecure != null && insecure;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        String endpointProblem = HttpEndpoint.problem(endpoint);
        if (endpointProblem != null) {
            problems.add(ConfigProblem.of("endpoint", endpointProblem));
        }
        String indexProblem = IndexName.problem(index);
        if (indexProblem != null) {
            problems.add(ConfigProblem.of("index", indexProblem));
        }
        if (apiKeyFile != null && (username != null || passwordFile != null)) {
            problems.add(ConfigProblem.of("api_key_file", "use either api_key_file or username/password_file, not both"));
        }
        if ((username == null) != (passwordFile == null)) {
            problems.add(ConfigProblem.of(username == null ? "username" : "password_file",
                    "username and password_file go together"));
        }
        for (String[] secret : new String[][]{{"password_file", passwordFile}, {"api_key_file", apiKeyFile}}) {
            if (secret[1] != null && !Files.isReadable(Path.of(secret[1]))) {
                problems.add(ConfigProblem.of(secret[0], "cannot read " + secret[1]));
            }
        }
        boolean credentials = username != null || apiKeyFile != null;
        if (credentials && endpointProblem == null && !HttpEndpoint.parse(endpoint).tls() && !insecure) {
            problems.add(ConfigProblem.of("endpoint",
                    "credentials would travel in clear text over http; use https or set insecure: true"));
        }
        problems.addAll(tls.validate("tls."));
        problems.addAll(batch.validate("batch."));
        problems.addAll(retry.validate("retry."));
        if (deadLetterPath == null || deadLetterPath.isBlank()) {
            problems.add(ConfigProblem.of("dead_letter_path", "no dead-letter file given (rejected documents go there)"));
        }
        if (template.name().isBlank() || !template.name().equals(template.name().toLowerCase())) {
            problems.add(ConfigProblem.of("template.name", "must be a non-empty lowercase name"));
        }
        if (requestTimeoutMs < 1000 || requestTimeoutMs > 600_000) {
            problems.add(ConfigProblem.of("request_timeout_ms", "must be between 1000 and 600000, got " + requestTimeoutMs));
        }
        return problems;
    }
}
