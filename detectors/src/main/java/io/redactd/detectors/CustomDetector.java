package io.redactd.detectors;

import java.util.List;

/**
 * A user-defined detector from config.
 *
 * @param id            unique detector id (e.g. {@code acme_patient_id})
 * @param type          the PHI type it reports (e.g. {@code MRN} or a new name such as {@code ACME_ID})
 * @param pattern       an RE2 / Hyperscan-compatible regular expression (no backreferences, no lookaround)
 * @param validator     name of a built-in validator ({@code luhn}, {@code ssn}, {@code npi}, ...) or null for none
 * @param context       words of which one must appear near the match (case-insensitive); empty for none
 * @param action        the action, or null for MASK
 */
public record CustomDetector(String id, String type, String pattern, String validator, List<String> context,
                             Action action) {
}
