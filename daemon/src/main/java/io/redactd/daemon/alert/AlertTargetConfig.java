package io.redactd.daemon.alert;

import io.redactd.outputs.ConfigProblem;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One {@code alerts.targets[]} entry. Which keys apply depends on {@code type}:
 * <ul>
 *   <li>{@code webhook} (generic JSON), {@code slack} (incoming webhook), {@code pagerduty} (Events API v2):
 *       {@code url} (https; http only with {@code insecure: true}), {@code headers}, {@code tls}; the webhook signs
 *       its body with {@code secret_file}/{@code secret_env}; PagerDuty takes {@code routing_key_file}/
 *       {@code routing_key_env} and defaults its url to {@code https://events.pagerduty.com/v2/enqueue}</li>
 *   <li>{@code syslog}: {@code host}, {@code port}, {@code protocol} ({@code udp}, {@code tcp}, {@code tls}),
 *       {@code app_name}, {@code tls}</li>
 * </ul>
 * Every target: {@code queue} (alerts waiting for delivery, default 1000; beyond it the oldest is dropped and
 * counted), {@code retry_initial} (200ms), {@code retry_max} (30s), {@code timeout} (10s: the bound on one attempt,
 * connection, request and answer together). HTTP targets also take {@code max_in_flight} (default 4, 1..64):
 * attempts at once, so a slow or hanging endpoint holds up at most that many alerts, not every later one; syslog
 * targets send one at a time over their connection (1, the only value accepted).
 */
public record AlertTargetConfig(String type, String id, String url, Map<String, String> headers, String secretFile,
                                String secretEnv, String routingKeyFile, String routingKeyEnv, Boolean insecure,
                                AlertTls tls, String host, Integer port, String protocol, String appName,
                                Integer queue, String retryInitial, String retryMax, String timeout,
                                Integer maxInFlight) {
    static final int DEFAULT_MAX_IN_FLIGHT = 4;
    public static final String PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue";
    static final Set<String> TYPES = Set.of("webhook", "slack", "pagerduty", "syslog");

    public AlertTargetConfig {
        type = type == null ? null : type.toLowerCase(Locale.ROOT);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        insecure = insecure != null && insecure;
        tls = tls == null ? AlertTls.DEFAULT : tls;
        protocol = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        appName = appName == null ? "redactd" : appName;
        queue = queue == null ? 1000 : queue;
        retryInitial = retryInitial == null ? "200ms" : retryInitial;
        retryMax = retryMax == null ? "30s" : retryMax;
        timeout = timeout == null ? "10s" : timeout;
        maxInFlight = maxInFlight == null ? ("syslog".equals(type) ? 1 : DEFAULT_MAX_IN_FLIGHT) : maxInFlight;
        if ("pagerduty".equals(type) && url == null) {
            url = PAGERDUTY_URL;
        }
    }

    /**
     * {@code tls:} trust for HTTPS and syslog over TLS, as for the outputs.
     *
     * @param caFile         PEM CA file; absent: the JVM's default trust store
     * @param verifyHostname default true
     */
    public record AlertTls(String caFile, Boolean verifyHostname) {
        static final AlertTls DEFAULT = new AlertTls(null, null);

        public AlertTls {
            verifyHostname = verifyHostname == null || verifyHostname;
        }
    }

    public boolean http() {
        return !"syslog".equals(type);
    }

    public Duration retryInitialDuration() {
        return DurationText.parse(retryInitial);
    }

    public Duration retryMaxDuration() {
        return DurationText.parse(retryMax);
    }

    public Duration timeoutDuration() {
        return DurationText.parse(timeout);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (type == null || !TYPES.contains(type)) {
            problems.add(ConfigProblem.of("type", "alert target type must be one of webhook, slack, pagerduty, syslog; got '" + type + "'"));
            return problems;
        }
        if (http()) {
            validateUrl(problems);
            if (host != null || port != null) {
                problems.add(ConfigProblem.of("host", "host/port are for syslog targets; " + type + " takes url"));
            }
        } else {
            if (host == null || host.isBlank()) {
                problems.add(ConfigProblem.of("host", "syslog target needs a host"));
            }
            if (port == null || port < 1 || port > 65535) {
                problems.add(ConfigProblem.of("port", "syslog target needs a port from 1 to 65535"));
            }
            if (!Set.of("udp", "tcp", "tls").contains(protocol)) {
                problems.add(ConfigProblem.of("protocol", "must be udp, tcp or tls, got '" + protocol + "'"));
            }
            if (url != null) {
                problems.add(ConfigProblem.of("url", "syslog targets take host and port, not url"));
            }
        }
        if (secretFile != null && secretEnv != null) {
            problems.add(ConfigProblem.of("secret_file", "give at most one of secret_file and secret_env"));
        }
        if ((secretFile != null || secretEnv != null) && !"webhook".equals(type)) {
            problems.add(ConfigProblem.of(secretFile != null ? "secret_file" : "secret_env",
                    "only webhook targets sign their body"));
        }
        if ("pagerduty".equals(type) && (routingKeyFile == null) == (routingKeyEnv == null)) {
            problems.add(ConfigProblem.of("routing_key_file", "pagerduty needs exactly one of routing_key_file and routing_key_env"));
        }
        if (!"pagerduty".equals(type) && (routingKeyFile != null || routingKeyEnv != null)) {
            problems.add(ConfigProblem.of("routing_key_file", "routing keys are for pagerduty targets"));
        }
        if (tls.caFile() != null && !Files.isReadable(Path.of(tls.caFile()))) {
            problems.add(ConfigProblem.of("tls.ca_file", "cannot read CA file " + tls.caFile()));
        }
        if (queue < 1 || queue > 1_000_000) {
            problems.add(ConfigProblem.of("queue", "must be from 1 to 1000000"));
        }
        checkDuration(problems, "retry_initial", retryInitial);
        checkDuration(problems, "retry_max", retryMax);
        checkDuration(problems, "timeout", timeout);
        Duration t = timeoutDuration();
        if (t != null && (t.toMillis() < 100 || t.toMillis() > 300_000)) {
            problems.add(ConfigProblem.of("timeout", "must be from 100ms to 5m"));
        }
        if (!http() && maxInFlight != 1) {
            problems.add(ConfigProblem.of("max_in_flight", "syslog targets send one alert at a time over their connection: only 1"));
        } else if (maxInFlight < 1 || maxInFlight > 64) {
            problems.add(ConfigProblem.of("max_in_flight", "must be from 1 to 64"));
        }
        return problems;
    }

    /**
     * The secrets this target reads at start, read now: a missing {@code secret_file} or {@code routing_key_file}, or
     * an unset {@code routing_key_env}, is a config problem (check-config) and not a failed start. Never the value.
     */
    public List<ConfigProblem> secretProblems(Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (secretFile != null || secretEnv != null) {
            readable(problems, secretFile != null ? "secret_file" : "secret_env", secretFile, secretEnv, env);
        }
        if ("pagerduty".equals(type) && (routingKeyFile != null || routingKeyEnv != null)) {
            readable(problems, routingKeyFile != null ? "routing_key_file" : "routing_key_env", routingKeyFile,
                    routingKeyEnv, env);
        }
        return problems;
    }

    private static void readable(List<ConfigProblem> problems, String key, String file, String envName,
                                 Map<String, String> env) {
        try {
            Secrets.read(file, envName, env);
        } catch (IllegalArgumentException e) {
            problems.add(ConfigProblem.of(key, e.getMessage()));
        }
    }

    private void validateUrl(List<ConfigProblem> problems) {
        if (url == null || url.isBlank()) {
            problems.add(ConfigProblem.of("url", type + " target needs a url"));
            return;
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            // The url may carry a token (Slack's do): never echo it.
            problems.add(ConfigProblem.of("url", "not a valid URL"));
            return;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            problems.add(ConfigProblem.of("url", "expected an https:// URL with a host"));
        } else if (scheme.equals("http") && !insecure) {
            problems.add(ConfigProblem.of("url", "http:// sends alerts in clear text: use https://, or set insecure: true for local testing"));
        }
    }

    private static void checkDuration(List<ConfigProblem> problems, String key, String value) {
        if (DurationText.parse(value) == null) {
            problems.add(ConfigProblem.of(key, "expected a duration such as 500ms, 30s or 5m"));
        }
    }
}
