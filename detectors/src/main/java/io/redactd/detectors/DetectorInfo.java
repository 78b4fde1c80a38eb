package io.redactd.detectors;

import java.util.List;

/** A description of one detector for listings ({@code redactd detectors}). */
public record DetectorInfo(String id, String type, String description, String validator, List<String> context,
                           boolean contextRequired, Action defaultAction) {
}
