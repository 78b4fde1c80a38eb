package io.redactd.detectors.catalog;

import io.redactd.detectors.Action;
import io.redactd.detectors.validate.Validator;

import java.util.List;

/**
 * One detector as data: what the engines compile and the redactor applies.
 *
 * @param id              stable id, e.g. {@code ssn.dashed}
 * @param type            PHI type, e.g. {@code SSN}
 * @param description     one line for listings
 * @param patterns        regexes in the common subset of Hyperscan and RE2 (no lookaround, no backreferences).
 *                        The whole match is the value unless {@code valueGroup} says otherwise.
 * @param valueGroup      capture group that holds the value to redact (0 = whole match). Lets a pattern include a
 *                        label such as {@code patient:} without redacting it.
 * @param validator       format rules the matched value must pass ({@link Validator#NONE} for none)
 * @param validatorName   name of the validator for listings and config ({@code luhn}, {@code ssn}, ...; "none")
 * @param context         lower-case words of which one must appear within {@code contextWindow} bytes before
 *                        the match when {@code contextRequired}; empty for none
 * @param contextRequired whether a context word is required
 * @param contextWindow   bytes before the match searched for context words
 * @param priority        breaks ties between overlapping matches of equal length (higher wins)
 * @param defaultAction   action unless config overrides it
 * @param normalization   how the value is normalized before tokenizing
 */
public record DetectorSpec(String id, String type, String description, List<String> patterns, int valueGroup,
                           Validator validator, String validatorName, List<String> context, boolean contextRequired,
                           int contextWindow, int priority, Action defaultAction, Normalization normalization) {

    /** Normalization applied before tokenizing so one person's value gives one token whatever its format. */
    public enum Normalization {
        /** Keep only digits, full-width ones as their ASCII digit (SSN, phone, card numbers). */
        DIGITS,
        /** Keep letters and digits, upper-case (MBI, IBAN, VIN, passport). */
        ALNUM_UPPER,
        /** Lower-case (e-mail). */
        LOWER,
        /** Trim and collapse whitespace, lower-case (names, addresses). */
        TEXT
    }
}
