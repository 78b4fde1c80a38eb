package io.redactd.daemon.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.detectors.DetectorInfo;
import io.redactd.detectors.synthetic.PhiValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The redaction self-test: at start and every interval a line of fresh synthetic PHI (valid by the detectors' own
 * rules) goes through the pipeline's redactor. It passes when every value is gone from the output and every type was
 * found. If any value comes out, the daemon fails closed: the pipeline stops forwarding and a critical alert is
 * raised. Meters: {@code redactd_canary_ok} (1/0), {@code redactd_canary_runs_total{result=pass|fail|error}}.
 */
public final class Canary {
    private static final Logger LOG = LoggerFactory.getLogger(Canary.class);

    private final Vertx vertx;
    private final Pipeline pipeline;
    private final AlertManager alerts;
    /** Replaced when the detectors are reloaded, so the canary never tests a type the plan no longer detects. */
    private volatile Set<String> enabledTypes;
    private final long intervalMs;
    private final MeterRegistry registry;
    private volatile int ok;
    private volatile String state = "not run yet";
    private volatile boolean failedClosed;
    private long timer = -1;

    public Canary(Vertx vertx, Pipeline pipeline, AlertManager alerts, List<DetectorInfo> detectors, Duration interval,
                  MeterRegistry registry) {
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.alerts = alerts;
        this.enabledTypes = typesOf(detectors);
        this.intervalMs = interval.toMillis();
        this.registry = registry;
        Gauge.builder("redactd.canary.ok", this, c -> c.ok)
                .description("1 when the last canary self-test came out redacted with every finding, else 0")
                .register(registry);
    }

    private static Set<String> typesOf(List<DetectorInfo> detectors) {
        Set<String> types = new TreeSet<>();
        for (DetectorInfo d : detectors) {
            types.add(d.type());
        }
        return Set.copyOf(types);
    }

    /** The detectors were reloaded (SIGHUP): test only the types the new plan detects. */
    public void detectorsReloaded(List<DetectorInfo> detectors) {
        enabledTypes = typesOf(detectors);
    }

    /** Synthetic values per type, each in a phrase its detector recognizes; only types the plan detects. */
    Map<String, String> values() {
        PhiValues v = new PhiValues(ThreadLocalRandom.current());
        Map<String, Supplier<String>> all = new LinkedHashMap<>();
        all.put("SSN", () -> PhiValues.dashedSsn(v.ssnDigits()));
        all.put("EMAIL", v::email);
        all.put("CREDIT_CARD", v::card);
        all.put("PHONE", v::phone);
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach((type, gen) -> {
            if (enabledTypes.contains(type)) {
                out.put(type, gen.get());
            }
        });
        return out;
    }

    static String line(Map<String, String> values) {
        StringBuilder sb = new StringBuilder("redactd canary self-test:");
        values.forEach((type, value) -> sb.append(switch (type) {
            case "SSN" -> " patient ssn ";
            case "EMAIL" -> " email ";
            case "CREDIT_CARD" -> " card number ";
            case "PHONE" -> " phone ";
            default -> " value ";
        }).append(value));
        return sb.toString();
    }

    /** Runs once now and then every interval. */
    public void start() {
        run();
        timer = vertx.setPeriodic(intervalMs, t -> run());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One self-test; completes with true when it passed. */
    public Future<Boolean> run() {
        Map<String, String> values = values();
        if (values.isEmpty()) {
            state = "skipped: none of SSN, EMAIL, CREDIT_CARD, PHONE is enabled";
            return Future.succeededFuture(true);
        }
        return pipeline.probe(line(values).getBytes(StandardCharsets.UTF_8)).map(p -> {
            List<String> leaked = new ArrayList<>();
            List<String> missed = new ArrayList<>();
            values.forEach((type, value) -> {
                if (p.redacted() != null && p.redacted().contains(value)) {
                    leaked.add(type);
                }
                if (!p.types().contains(type)) {
                    missed.add(type);
                }
            });
            if (leaked.isEmpty() && missed.isEmpty()) {
                result("pass", 1, "ok at " + Instant.now());
                return true;
            }
            result("fail", 0, "FAILED at " + Instant.now() + ": unredacted " + leaked + ", not found " + missed);
            if (!leaked.isEmpty()) {
                failClosed(leaked);
            } else {
                LOG.error("canary self-test: no finding for {} (output redacted; forwarding continues)", missed);
            }
            return false;
        }).recover(e -> {
            result("error", 0, "error at " + Instant.now() + ": " + e.getClass().getSimpleName());
            LOG.error("canary self-test could not run: {}", e.getClass().getName());
            return Future.succeededFuture(false);
        });
    }

    private void result(String result, int okValue, String text) {
        ok = okValue;
        state = text;
        Counter.builder("redactd.canary.runs").description("Canary self-test runs, by result")
                .tag("result", result).register(registry).increment();
    }

    private void failClosed(List<String> leaked) {
        if (failedClosed) {
            return;
        }
        failedClosed = true;
        pipeline.stopForwarding("the canary self-test came out unredacted (" + String.join(",", leaked) + ")");
        LOG.error("canary self-test: synthetic {} came out UNREDACTED; forwarding stopped (fail closed)", leaked);
        TreeMap<String, Long> counts = new TreeMap<>();
        leaked.forEach(t -> counts.put(t, 1L));
        String host = alerts.host();
        alerts.raise(new Alert(UUID.randomUUID().toString(), Instant.now(), Alert.Kind.CANARY_FAILED, host,
                Severity.CRITICAL, null, counts, leaked.size(), null, List.of("canary"), null, List.of(), null, null,
                "redactd canary self-test FAILED on " + host + ": synthetic " + String.join(", ", leaked)
                        + " passed the redactor unredacted; forwarding stopped (fail closed)", 0));
    }

    /** For /readyz: the last result. */
    public String state() {
        return state;
    }

    /** True after a canary came out unredacted: the daemon is not ready. */
    public boolean failedClosed() {
        return failedClosed;
    }
}
