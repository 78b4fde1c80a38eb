package io.redactd.daemon.input.file;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file input's meters, all tagged with {@code input}. Labels carry input ids, file paths and reasons, never
 * log content.
 */
final class FileInputMetrics {

    private final MeterRegistry registry;
    private final String inputId;
    final Counter events;
    final Counter bytes;
    final Counter splitPieces;
    final Counter truncations;
    final Counter copiesFound;
    final Counter filesOpened;
    final Counter filesReleased;
    final Counter renames;
    final Counter recovered;
    final Counter inodeReuse;
    final Counter sinkFailures;
    final Counter checkpointWrites;
    final Counter checkpointFailures;
    /** Lag per open file (device:inode); two files can share a path (the old one renamed, the new one created). */
    private final Map<String, Lag> lags = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gaugesByPath = new ConcurrentHashMap<>();

    private record Lag(String path, AtomicLong bytes) {
    }

    FileInputMetrics(MeterRegistry registry, String inputId) {
        this.registry = registry;
        this.inputId = inputId;
        this.events = counter("redactd.file.events", "events read and handed on");
        this.bytes = counter("redactd.file.read.bytes", "bytes read from files");
        this.splitPieces = counter("redactd.file.lines.split", "pieces of lines longer than max_line_bytes");
        this.truncations = counter("redactd.file.truncations", "files found truncated (copytruncate)");
        this.copiesFound = counter("redactd.file.truncations.copy.found",
                "rotated copies found after a truncation and read from where the original was left");
        this.filesOpened = counter("redactd.file.opened", "files opened");
        this.filesReleased = counter("redactd.file.released", "files read to their end and let go");
        this.renames = counter("redactd.file.renames", "renames followed");
        this.recovered = counter("redactd.file.recovered",
                "files renamed away before they were finished, found again by inode after a restart");
        this.inodeReuse = counter("redactd.file.inode.reuse", "files whose inode matched a checkpoint of another file");
        this.sinkFailures = counter("redactd.file.sink.failures", "batches the pipeline failed (retried)");
        this.checkpointWrites = counter("redactd.file.checkpoint.writes", "checkpoint files written");
        this.checkpointFailures = counter("redactd.file.checkpoint.failures", "checkpoint writes that failed");
        Gauge.builder("redactd.file.tail.lag.total.bytes", lags, m -> m.values().stream()
                        .mapToLong(l -> l.bytes.get()).sum())
                .tag("input", inputId).description("bytes in files not yet acknowledged by the pipeline")
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).tag("input", inputId).description(description).register(registry);
    }

    void problem(String reason) {
        Counter.builder("redactd.file.discovery.errors").tag("input", inputId).tag("reason", reason)
                .description("paths that could not be read, by reason").register(registry).increment();
    }

    /** Sets the tail lag of one file (size minus acknowledged offset). */
    void lag(String key, String path, long bytes) {
        Lag lag = lags.get(key);
        if (lag == null || !lag.path.equals(path)) {
            lag = new Lag(path, new AtomicLong());
            Lag old = lags.put(key, lag);
            gaugesByPath.computeIfAbsent(path, p -> Gauge.builder("redactd.file.tail.lag.bytes", this,
                            m -> m.lagOf(p)).tag("input", inputId).tag("path", p)
                    .description("bytes of the file not yet acknowledged").register(registry));
            if (old != null) {
                dropGaugeIfUnused(old.path);
            }
        }
        lag.bytes.set(Math.max(0, bytes));
    }

    void released(String key) {
        Lag lag = lags.remove(key);
        if (lag != null) {
            dropGaugeIfUnused(lag.path);
        }
    }

    private double lagOf(String path) {
        return lags.values().stream().filter(l -> l.path.equals(path)).mapToLong(l -> l.bytes.get()).sum();
    }

    private void dropGaugeIfUnused(String path) {
        if (lags.values().stream().noneMatch(l -> l.path.equals(path))) {
            Gauge g = gaugesByPath.remove(path);
            if (g != null) {
                registry.remove(g);
            }
        }
    }

    /** Tail lag per file path. */
    Map<String, Long> lagByPath() {
        Map<String, Long> out = new java.util.TreeMap<>();
        lags.values().forEach(l -> out.merge(l.path, l.bytes.get(), Long::sum));
        return out;
    }
}
