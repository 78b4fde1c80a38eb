package io.redactd.daemon.pipeline;

import java.util.Map;

/**
 * One event as an input read it, before detection: raw bytes that may hold PHI. Lives only in memory between the
 * input and the redactor; never logged, never written to disk.
 *
 * @param message      the raw text (UTF-8, possibly invalid: the pipeline repairs it), without line terminator
 * @param timestampMs  event time in epoch millis (read time when the source gives none)
 * @param fields       ECS metadata as dotted names, e.g. {@code log.file.path}, {@code log.offset},
 *                     {@code event.dataset}, {@code log.flags}; values are String, Long or List of String. Never PHI
 *                     except where a later stage redacts it (syslog structured data).
 * @param position     the input's resume position for this event (e.g. file offset just past it); opaque to the pipeline
 */
public record RawEvent(byte[] message, long timestampMs, Map<String, Object> fields, long position) {
}
