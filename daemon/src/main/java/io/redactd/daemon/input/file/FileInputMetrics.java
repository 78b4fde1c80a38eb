package io.redactd.daemon.input.file;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The file input's meters, all tagged with {@code input}. Labels carry the input id and fixed reason words only,
 * never paths or log content (a path can name a person). No series per file either: a node tails tens of thousands
 * of files, each let go after rotation, so per-file series would grow without bound; the lag is one gauge per input
 * (summed over the open files when scraped), and per-file lag is available from {@link FileInput#tailLagByPath()}
 * for diagnostics instead. Bad input handled is counted in the daemon-wide
 * {@code redactd.input.errors{input, reason}}.
 */
final class FileInputMetrics {

    private final MeterRegistry registry;
    private final String inputId;
    final Counter events;
    final Counter bytes;
    final Counter lineTooLong;
    final Counter unparsed;
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
    /** Files the globs match that are not open because the open-file budget is used up (see {@link FdBudget}). */
    final AtomicInteger waiting = new AtomicInteger();

    /** @param lag bytes in open files not yet acknowledged, summed over the files when the gauge is read */
    FileInputMetrics(MeterRegistry registry, String inputId, LongSupplier lag) {
        this.registry = registry;
        this.inputId = inputId;
        this.events = counter("redactd.file.events", "events read and handed on");
        this.bytes = counter("redactd.file.read.bytes", "bytes read from files");
        this.lineTooLong = error("line_too_long");
        this.unparsed = error("unparsed");
        this.truncations = counter("redactd.file.truncations", "files found truncated (copytruncate)");
        this.copiesFound = counter("redactd.file.truncations.copy.found",
                "rotated copies found after a truncation and read from where the original was left");
        this.filesOpened = counter("redactd.file.opened", "files opened");
        this.filesReleased = counter("redactd.file.released", "files read to their end and let go");
        this.renames = counter("redactd.file.renames", "renames followed");
        this.recovered = counter("redactd.file.recovered",
                "files rotated away before they were finished, found again after a restart");
        this.inodeReuse = counter("redactd.file.inode.reuse", "files whose inode matched a checkpoint of another file");
        this.sinkFailures = counter("redactd.file.sink.failures", "batches the pipeline failed (retried)");
        this.checkpointWrites = counter("redactd.file.checkpoint.writes", "checkpoint files written");
        this.checkpointFailures = counter("redactd.file.checkpoint.failures", "checkpoint writes that failed");
        Gauge.builder("redactd.file.tail.lag.bytes", lag, LongSupplier::getAsLong)
                .tag("input", inputId).description("bytes in open files not yet acknowledged by the pipeline")
                .register(registry);
        Gauge.builder("redactd.file.waiting", waiting, AtomicInteger::get).tag("input", inputId)
                .description("files matched but not open: the open-file limit leaves no descriptor for them")
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).tag("input", inputId).description(description).register(registry);
    }

    private Counter error(String reason) {
        return Counter.builder("redactd.input.errors").tag("input", inputId).tag("reason", reason)
                .description("Bad input handled by an input, by reason").register(registry);
    }

    /** A path that could not be read ({@code permission_denied}, {@code symlink_loop}, ...). */
    void problem(String reason) {
        error(reason).increment();
    }
}
