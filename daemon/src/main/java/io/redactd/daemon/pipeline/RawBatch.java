package io.redactd.daemon.pipeline;

import java.util.List;

/**
 * Events from one source, in source order. The pipeline keeps per-source order: batches of one source are detected,
 * chained and written in submission order.
 *
 * @param sourceId stable id of the source (e.g. the input id plus file identity); used for ordering and metrics
 * @param inputId  the id of the input that produced it (config {@code inputs[].id})
 * @param events   the events
 */
public record RawBatch(String sourceId, String inputId, List<RawEvent> events) {
}
