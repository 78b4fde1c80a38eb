package io.redactd.detectors;

/**
 * One detected value. Offsets are byte offsets into the input line (UTF-8). A finding never carries the value itself,
 * so it is safe to log, count, alert on and put in metric labels (type and detector id only).
 */
public record Finding(String type, String detectorId, int start, int end, Action action) {
}
