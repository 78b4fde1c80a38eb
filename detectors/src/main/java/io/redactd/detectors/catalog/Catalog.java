package io.redactd.detectors.catalog;

import io.redactd.detectors.Action;
import io.redactd.detectors.catalog.DetectorSpec.Normalization;
import io.redactd.detectors.validate.Validators;

import java.util.List;

/**
 * The built-in PHI/PII catalog.
 *
 * <p>Pattern conventions (every pattern is in the common subset of Hyperscan and RE2: no lookaround, no
 * backreferences):
 * <ul>
 *   <li>The value is always capture group 1 ({@code valueGroup = 1}); what precedes it (a boundary byte or a label
 *       such as {@code mrn:}) is matched but not redacted.</li>
 *   <li>The left boundary is an explicit byte class that consumes one byte, so digits inside longer numbers, versions
 *       ({@code 1.2.}), negative numbers and identifiers ({@code blk_}) never start a value, while HL7 {@code |} and
 *       {@code ^}, key=value {@code =}, JSON quotes and URL {@code /} all do. The right boundary is the zero-width
 *       {@code \b}, so two values separated by a single byte are both found (the validated numbers and e-mail addresses
 *       may also end before an underscore, see {@link #NUM_END}). The validated numbers also start after
 *       an underscore or a letter's dash or dot ({@code ssn_123-45-6789}, {@code host-212-67-4821},
 *       {@code ssn.123-45-6789}; cards up to 16 digits only), a dashed SSN right after a letter, a card glued to a
 *       word that is no hex id ({@link #CARD_AFTER_WORD}), and digit groups may be separated by no-break, thin,
 *       figure and hair spaces and non-breaking hyphens (SSN groups also by underscores);
 *       cards and SSNs in full-width digits have patterns of their own (see {@link #FW_LEFT}).</li>
 *   <li>Contextual types (DOB, MRN, MEMBER_ID, PASSPORT, NAME) carry their label inside the pattern, which is more
 *       precise than a context window; bare 9- and 10-digit forms (SSN, PHONE, NPI) use a required context word
 *       because they are indistinguishable from counters and epoch seconds otherwise.</li>
 *   <li>HL7 v2 PID fields are found by position (PID-3 MRN, PID-5 name, PID-7 birth date, PID-11 address,
 *       PID-19 SSN), since HL7 carries no labels.</li>
 * </ul>
 * Priorities only break ties between overlapping matches of equal length; the longest match wins first.
 */
public final class Catalog {
    /** Left boundary for numbers: not after a letter, digit, underscore, dot or dash. */
    private static final String NUM = "(?:^|[^0-9A-Za-z_.-])";
    /**
     * Left boundary for the validated numbers (SSN, phone, NPI): {@link #NUM}, but an underscore ({@code ssn_123-45-6789})
     * or a dash or dot after a letter ({@code host-212-67-4821}, {@code ssn.123-45-6789}, dotted keys of flattened
     * JSON and logfmt) also starts a value. A dash or dot after a digit or an underscore still does not: longer dashed
     * numbers, negative numbers, HDFS's {@code blk_-...}, versions ({@code v1.2.123-45-6789}), IPs. Measured on LogHub
     * (32,000 lines): no line more changed.
     */
    private static final String NUM_GLUED = "(?:^|[^0-9A-Za-z.-]|[A-Za-z][.-])";
    /**
     * Right boundary for the validated numbers (SSN, phone, NPI, cards): a word boundary, or an underscore, which
     * {@code \b} refuses ({@code ssn:123-45-6789_old}, {@code phone_217-555-0123_home}, file names). The underscore
     * is consumed (RE2 has no lookahead); the redactor resumes its search at the value's end, not the match's, so a
     * second value right after it ({@code 123-45-6789_987-65-4321}) still has its left boundary. A letter after the
     * value is still refused (a digit run starting a hex id). Measured on LogHub (32,000 lines): no line more changed.
     */
    private static final String NUM_END = "(?:\\b|_)";
    /**
     * What groups digits: a blank, or a no-break (U+00A0), narrow no-break (U+202F), thin (U+2009), figure (U+2007)
     * or hair (U+200A) space, which formatted text puts there (literal characters, not escapes: RE2/J, the portable engine's byte approximation and
     * the exact ASCII matcher all read them as the character, UTF-8 in the line).
     */
    private static final String BLANK = "(?: |\u00A0|\u202F|\u2009|\u2007|\u200A)";
    /** Also the non-breaking hyphen (U+2011), which word processors put between digit groups to keep them together. */
    private static final String DASH_OR_BLANK = "(?:[ -]|\u00A0|\u202F|\u2009|\u2007|\u200A|\u2011)";
    private static final String PHONE_SEP = "(?:[ .-]|\u00A0|\u202F|\u2009|\u2007|\u200A|\u2011)";
    /** A full-width digit (U+FF10-FF19), as East Asian text writes numbers. */
    private static final String FW_DIGIT = "[\uFF10-\uFF19]";
    /** Between full-width digit groups: blanks and dashes, also the ideographic space and the full-width dash. */
    private static final String FW_SEP = "(?:[ -]|\u00A0|\u202F|\u2009|\u3000|\uFF0D)";
    /**
     * Left boundary for full-width numbers: not after a digit (ASCII or full-width) or a dot (ASCII or full-width),
     * so a value never starts inside a longer number; anything else, CJK text and ASCII letters included, will do.
     * Such values have no right boundary: RE2's ASCII {@code \b} never holds between a full-width digit and a blank
     * or CJK text, and a consuming one would hide a second value one character later. The counted repetitions are
     * greedy, so a run of the right length is taken whole; a longer one is read from its start.
     */
    private static final String FW_LEFT = "(?:^|[^0-9.\uFF10-\uFF19\uFF0E])";
    /** Left boundary for alphanumeric codes: not after a letter, digit or underscore. */
    private static final String CODE = "(?:^|[^0-9A-Za-z_])";
    /*
     * E-mail. RFC 6531 (SMTPUTF8) allows UTF-8 in the local part and IDNA domains have UTF-8 labels, so the local part
     * and the domain labels take every character >= U+0080 (U+FFFD, what invalid UTF-8 is repaired to, included) as
     * well as their ASCII set. Each such class is written as a negated class of ASCII ranges, [^<the other ASCII>]:
     * to RE2/J that is "the ASCII set or any code point >= U+0080"; to Hyperscan in byte mode "the ASCII set or any
     * byte >= 0x80" (it only sees ASCII lines); to AsciiRegex exactly the ASCII set, and an exact ASCII set is all it
     * needs, since it only runs on ASCII lines, where these patterns match what they matched before; ByteRegex widens
     * it to the ASCII set or a non-ASCII sequence. One class, so no engine pays for an alternation per character.
     *
     * The left group takes the start of the line or any one character: a boundary ([^A-Za-z0-9._%+-], which admits
     * any non-ASCII character) or a local-part character. Matches are leftmost-first, so the value starts at the
     * beginning of the run of local-part characters before the @ whenever that run is at most 64 characters long and
     * follows a boundary (josé.garcía@ is redacted whole, café jane@ only from jane, jane@example.comとbob@ keeps
     * the と), exactly as with the boundary alone; where the boundary found nothing, the value is the last 64
     * characters before the @, so a local part of legal length never survives. The boundary alone matched nothing
     * in front of a longer run, and the whole address went out in clear: URL-encoded text, where '%' and hex digits
     * are local-part characters (to=%22Dr.%20Jane%20Doe%22%20%3Cjane.doe@example.com%3E), long host names. The
     * encoded local part cannot hold a '%', so it also refused an address right after a '%' (%22jane.doe%40...%22,
     * a@b.com%2Cjane.doe%40...), and the plain one an address after a local-part character that ended the previous
     * match (a@b.co+jane@...). On ASCII text every match the boundary alone found is found with the same value; the
     * rest are the addresses above. The Hyperscan engine drops the group (stripLeadingBoundaries), and the
     * prefilters widen the count anyway, so no engine counts the run: the DFA stays as small as before.
     */
    private static final String EMAIL_LEFT = "(?:^|[^A-Za-z0-9._%+-]|[A-Za-z0-9._%+-])";
    /** [A-Za-z0-9._%+-] or any non-ASCII character. */
    private static final String EMAIL_LOCAL =
            "[^\\x00-\\x24\\x26-\\x2A\\x2C\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]";
    /** [A-Za-z0-9._+-] (no '%', which would swallow the %40) or any non-ASCII character. */
    private static final String EMAIL_LOCAL_ENCODED =
            "[^\\x00-\\x2A\\x2C\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]";
    /** [A-Za-z0-9-] or any non-ASCII character. */
    private static final String DOMAIN_LABEL = "[^\\x00-\\x2C\\x2E\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F]+";
    /**
     * Labels, then an ASCII top-level domain followed by a word boundary, or one holding a non-ASCII character (.рф,
     * .中国, .cöm): ASCII letters and non-ASCII characters, at least one of them non-ASCII, with no boundary after it
     * (RE2's ASCII {@code \b} does not hold between a non-ASCII character and a space or the end of the line; the
     * greedy class stops only at a digit, an underscore or punctuation anyway).
     */
    private static final String DOMAIN = DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*"
            + "\\.(?:[A-Za-z]{2,24}\\b|[A-Za-z]*[^\\x00-\\x7F][^\\x00-\\x40\\x5B-\\x60\\x7B-\\x7F]*)";
    /**
     * The same with an ASCII top-level domain followed by an underscore, which {@code \b} refuses
     * ({@code user=jane@example.com_backup}, {@code jane@example.com_123-45-6789.log}); host names hold no underscore.
     * The underscore is outside the value; a pattern of its own, since the value must stay group 1.
     */
    private static final String DOMAIN_BEFORE_UNDERSCORE = DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*"
            + "\\.[A-Za-z]{2,24})_";
    /**
     * Contiguous card numbers, shaped by issuer at the regex level (3 Amex/Diners/JCB, 4 Visa, 51-55 and 22-27
     * Mastercard, 6 Discover) so that 13-digit epoch milliseconds and 14-digit timestamps never reach the validator.
     */
    private static final String CARD_DIGITS = "3\\d{13,18}|4\\d{12,18}|5[1-5]\\d{14}|2[2-7]\\d{14}|6\\d{15,18}";
    /**
     * The same, up to 16 digits: what a card glued to an underscore or a letter's dash may be. Random 64-bit ids
     * ({@code blk_4568377692254637284}) have 18-19 digits, and with 17-19 allowed, 16 of LogHub's 2,000 HDFS lines had
     * one that passed Luhn and the issuer table; with 13-16, none.
     */
    private static final String CARD_DIGITS_16 = "3\\d{13,15}|4\\d{12,15}|5[1-5]\\d{14}|2[2-7]\\d{14}|6\\d{15}";
    /**
     * Before a card glued to the word before it ({@code card4111111111111111}, {@code pan4111...}): a word holding a
     * letter that is no hex digit ({@code x} only when not right after a digit: {@code 0x} starts a hex number),
     * then any letters. A digit run inside a hex id (trace and span ids, hashes) has only hex digits before it, so
     * it never has such a word glued to it; one glued to a label ({@code req<16 hex>}) needs all of the id's 16
     * characters to be decimal digits that pass Luhn and the issuer table (measured: about 3 in 100,000 such ids).
     * With any letter allowed, 10^6 synthetic lines holding random hex ids gave 9 -> 41 card findings; with this word,
     * none more (detectors README). Since the word shows the digits are no hex id, any letter may follow them. (An x
     * after "not 0" instead of "not a digit" made the portable engine's DFA a quarter larger.)
     */
    private static final String CARD_AFTER_WORD = "(?:[G-WYZg-wyz]|[^0-9][Xx]|^[Xx])[A-Za-z]{0,30}";
    /**
     * After a card glued to the word after it ({@code 4111111111111111x}, {@code card=4111111111111111exp}): at most
     * three hex letters, then one that is not, so a digit run starting a hex id ({@code 4111111111111111abcdef}) is
     * not read as a card.
     */
    private static final String CARD_BEFORE_WORD = "[A-Fa-f]{0,3}[G-Zg-z]";
    /** Cards in groups of 4 (4-6-5 for Amex), separated by a blank or a dash. */
    private static final String CARD_GROUPED = "[2-6]\\d{3}(?:" + DASH_OR_BLANK + "\\d{4}){2}" + DASH_OR_BLANK
            + "\\d{1,4}(?:" + DASH_OR_BLANK + "\\d{1,3})?|3\\d{3}" + DASH_OR_BLANK + "\\d{6}" + DASH_OR_BLANK
            + "\\d{4,5}";
    /**
     * IPv6 candidates: eight groups, or fewer around a {@code ::}. Clock times (03:17:53) have neither, so they never
     * reach the validator, which checks the group counts exactly.
     */
    private static final String IPV6 = "(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\\b"
            + "|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}\\b"
            + "|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}\\b"
            + "|(?:[0-9A-Fa-f]{1,4}:){1,7}:";
    /** Between a label and its value: quotes, colons, equals, hashes, blanks (JSON, key=value, prose). */
    private static final String SEP = "[ \\t\"':=#>]{1,6}";
    private static final String ID_SUFFIX = "(?i:[ _-]?(?:number|num|no\\.?|id|#))?";
    /** A record identifier: up to four letters (and a dash), a digit, then 3-19 more characters ending alphanumeric. */
    private static final String RECORD_ID = "([A-Za-z]{0,4}-?[0-9][0-9A-Za-z-]{2,18}[0-9A-Za-z])\\b";
    private static final String MONTH = "(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?i:[a-z]{0,6})";
    private static final String DATE = "(\\d{4}-\\d{1,2}-\\d{1,2}|\\d{4}/\\d{1,2}/\\d{1,2}|\\d{1,2}/\\d{1,2}/\\d{4}"
            + "|\\d{1,2}/\\d{1,2}/\\d{2}|\\d{1,2}-\\d{1,2}-\\d{4}|\\d{1,2}\\.\\d{1,2}\\.\\d{4}|\\d{8}"
            + "|" + MONTH + "\\.? \\d{1,2},? \\d{4}|\\d{1,2} " + MONTH + ",? \\d{4})(?:T|\\b)";
    /**
     * One capitalized name word: Smith, McDonald, MacArthur, O'Brien, Smith-Jones; but not CamelCase identifiers
     * (SurfaceView, CalendarAgent), which are what {@code name=} usually precedes in logs.
     */
    // Lower-case surname particles (van der Berg, de la Cruz, da Silva) belong to the name: without them the
    // particle and everything after it stayed in clear.
    private static final String NAME_WORD = "(?:(?:van|von|der|den|de|del|della|da|das|dos|di|du|la|le|ter|ibn|bin|al) ){0,2}"
            + "(?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?";
    private static final String NAME_NEXT = "(?:" + NAME_WORD + "|[A-Z]\\.?)";
    /** One to four name words (a middle initial allowed after the first), e.g. "John A. Doe" or "Doe, John". */
    private static final String PERSON_NAME = "(" + NAME_WORD + "(?:,? " + NAME_NEXT + "){0,3})\\b";
    /** All-caps name words (DOE, JOHN Q), accepted only after labels that can precede nothing but a name. */
    private static final String CAPS_NAME = "([A-Z][A-Z'-]*[A-Z](?:,? [A-Z][A-Z'-]*[A-Z]|,? [A-Z]\\.?){0,3})\\b";
    /** Two to four all-caps name words, for weak labels (patient, name) where one caps word is often "ID" or "MRN". */
    private static final String CAPS_FULL_NAME = "([A-Z][A-Z'-]*[A-Z](?:,? [A-Z][A-Z'-]*[A-Z]|,? [A-Z]\\.?){1,3})\\b";
    /** Two to four name words: after the weak label "name" a single word is usually a component, not a person. */
    private static final String FULL_NAME = "(" + NAME_WORD + "(?:,? " + NAME_NEXT + "){1,3})\\b";
    private static final String STREET_SUFFIX = "(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln"
            + "|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Pike"
            + "|Loop|Plaza)";
    /** HL7 v2 PID segment up to the start of field n. */
    private static final String[] PID_FIELD = new String[20];

    static {
        for (int n = 1; n < PID_FIELD.length; n++) {
            PID_FIELD[n] = "PID(?:\\|[^|\\r\\n]*){" + (n - 1) + "}\\|";
        }
    }

    private static final List<DetectorSpec> BUILT_IN = List.of(
            spec("ssn.formatted", "SSN", "US Social Security number, dashed or spaced (area/group/serial rules)",
                    "ssn", List.of(), 90, Normalization.DIGITS,
                    NUM_GLUED + "(\\d{3}-\\d{2}-\\d{4}|\\d{3}" + BLANK + "\\d{2}" + BLANK + "\\d{4}|\\d{3}\u2011\\d{2}\u2011\\d{4})"
                            + NUM_END,
                    // dashed, glued to a letter (user123-45-6789): LogHub and random hex ids never have that shape
                    "[A-Za-z](\\d{3}-\\d{2}-\\d{4})" + NUM_END,
                    // groups joined by underscores (123_45_6789, ssn_123_45_6789_old); not after a digit's
                    // underscore or dot, which would be a longer chain of numbers (v_1_123_45_6789, 1.123_45_6789)
                    "(?:^|[^0-9A-Za-z_.-]|[A-Za-z][_.-])(\\d{3}_\\d{2}_\\d{4})" + NUM_END,
                    FW_LEFT + "(" + FW_DIGIT + "{3}" + FW_SEP + FW_DIGIT + "{2}" + FW_SEP + FW_DIGIT + "{4})"),
            contextual("ssn.bare", "SSN", "US Social Security number, 9 bare digits after an SSN label",
                    "ssn", List.of("ssn", "social security", "social_security", "socialsecurity", "soc sec", "ss#",
                            "socsec"), 88, Normalization.DIGITS,
                    NUM_GLUED + "(\\d{9})" + NUM_END),
            spec("ssn.hl7", "SSN", "HL7 v2 PID-19 (patient SSN)", "ssn", List.of(), 88, Normalization.DIGITS,
                    PID_FIELD[19] + "(\\d{3}-?\\d{2}-?\\d{4})"),
            spec("credit_card", "CREDIT_CARD", "Payment card number (Luhn, real issuer ranges and lengths)",
                    "credit_card", List.of(), 85, Normalization.DIGITS,
                    NUM + "(" + CARD_DIGITS + "|" + CARD_GROUPED + ")\\b",
                    "(?:_|[A-Za-z][.-])(" + CARD_DIGITS_16 + "|" + CARD_GROUPED + ")" + NUM_END,
                    // glued on the right only (card=4111111111111111_exp): 13-16 digits, as on the left
                    NUM + "(" + CARD_DIGITS_16 + "|" + CARD_GROUPED + ")_",
                    // glued to a letter, see CARD_AFTER_WORD and CARD_BEFORE_WORD
                    CARD_AFTER_WORD + "(" + CARD_DIGITS_16 + "|" + CARD_GROUPED + ")(?:\\b|_|[A-Za-z])",
                    "(?:^|[^0-9A-Za-z.-]|[A-Za-z][.-])(" + CARD_DIGITS_16 + "|" + CARD_GROUPED + ")" + CARD_BEFORE_WORD,
                    FW_LEFT + "(" + FW_DIGIT + "{13,19}|" + FW_DIGIT + "{4}(?:" + FW_SEP + FW_DIGIT + "{4}){2}" + FW_SEP
                            + FW_DIGIT + "{1,4}(?:" + FW_SEP + FW_DIGIT + "{1,3})?|" + FW_DIGIT + "{4}" + FW_SEP
                            + FW_DIGIT + "{6}" + FW_SEP + FW_DIGIT + "{4,5})"),
            spec("email", "EMAIL", "E-mail address, also %40 URL-encoded and \\u0040 JSON-escaped", "none",
                    List.of(), 90, Normalization.LOWER,
                    EMAIL_LEFT + "(" + EMAIL_LOCAL + "{1,64}@" + DOMAIN + ")",
                    EMAIL_LEFT + "(" + EMAIL_LOCAL_ENCODED + "{1,64}(?:%40|\\\\u0040)" + DOMAIN + ")",
                    EMAIL_LEFT + "(" + EMAIL_LOCAL + "{1,64}@" + DOMAIN_BEFORE_UNDERSCORE,
                    EMAIL_LEFT + "(" + EMAIL_LOCAL_ENCODED + "{1,64}(?:%40|\\\\u0040)" + DOMAIN_BEFORE_UNDERSCORE),
            spec("phone.formatted", "PHONE", "NANP phone number with separators or +1", "phone", List.of(), 70,
                    Normalization.DIGITS,
                    NUM_GLUED + "(\\(\\d{3}\\)" + PHONE_SEP + "?\\d{3}" + PHONE_SEP + "\\d{4})" + NUM_END,
                    NUM_GLUED + "(\\d{3}-\\d{3}-\\d{4}|\\d{3}\\.\\d{3}\\.\\d{4}|\\d{3}\u2011\\d{3}\u2011\\d{4})" + NUM_END,
                    "(?:^|[^0-9A-Za-z+])(\\+1" + PHONE_SEP + "?(?:\\(\\d{3}\\)" + BLANK + "?|\\d{3}" + PHONE_SEP
                            + "?)\\d{3}" + PHONE_SEP + "?\\d{4})" + NUM_END,
                    NUM_GLUED + "(1-\\d{3}-\\d{3}-\\d{4}|1" + BLANK + "\\(\\d{3}\\)" + BLANK + "?\\d{3}" + PHONE_SEP
                            + "\\d{4})" + NUM_END),
            contextual("phone.bare", "PHONE", "NANP phone number, bare digits after a phone label", "phone",
                    List.of("phone", "tel", "mobile", "cell", "fax", "callback", "contact"), 68,
                    Normalization.DIGITS,
                    NUM_GLUED + "(1?[2-9]\\d{9}|[2-9]\\d{2}" + BLANK + "\\d{3}" + BLANK + "\\d{4})" + NUM_END),
            spec("ipv4", "IPV4", "IPv4 address (octets 0-255; version strings rejected)", "ipv4", List.of(), 60,
                    Normalization.TEXT,
                    "(?:^|[^0-9A-Za-z.])((?:\\d{1,3}\\.){3}\\d{1,3}(?:\\.[0-9A-Za-z]+|-[A-Za-z][0-9A-Za-z]*)*)\\b"),
            spec("ipv6", "IPV6", "IPv6 address, full or compressed", "ipv6", List.of(), 60, Normalization.LOWER,
                    "(?:^|[^0-9A-Za-z:])(" + IPV6 + ")"),
            contextual("npi", "NPI", "US National Provider Identifier (Luhn over 80840 prefix) near an NPI label",
                    "npi", List.of("npi", "provider", "prescriber", "physician", "practitioner"), 80,
                    Normalization.DIGITS,
                    NUM_GLUED + "([12]\\d{9})" + NUM_END),
            spec("dea", "DEA", "DEA registration number (registrant type, check digit)", "dea", List.of(), 80,
                    Normalization.ALNUM_UPPER,
                    CODE + "([ABCDEFGHJKLMPRSTUX][A-Z9]\\d{7})\\b"),
            spec("mbi", "MBI", "Medicare Beneficiary Identifier (CMS format, with or without dashes)", "mbi",
                    List.of(), 80, Normalization.ALNUM_UPPER,
                    "(?:^|[^0-9A-Za-z_-])([1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\\d-?[AC-HJKMNP-RT-Y]"
                            + "[AC-HJKMNP-RT-Y0-9]\\d-?[AC-HJKMNP-RT-Y]{2}\\d{2})\\b"),
            spec("iban", "IBAN", "International Bank Account Number (country length, mod-97)", "iban", List.of(),
                    80, Normalization.ALNUM_UPPER,
                    CODE + "([A-Z]{2}\\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?))\\b"),
            spec("vin", "VIN", "Vehicle Identification Number (check digit)", "vin", List.of(), 75,
                    Normalization.ALNUM_UPPER,
                    "(?:^|[^0-9A-Za-z_-])([A-HJ-NPR-Z0-9]{17})\\b"),
            spec("dob.labeled", "DOB", "Date after a birth-date label (dob, date of birth, born)", "date", List.of(),
                    50, Normalization.TEXT,
                    "(?:(?:^|[^A-Za-z])(?i:dob|d\\.o\\.b\\.?|birth[ _-]?date|birthday|born(?: on)?)"
                            + "|(?i:date[ _-]?of[ _-]?birth)"
                            + "|[a-z](?:Dob|DOB|BirthDate|Birthdate|DateOfBirth))" + SEP + DATE),
            spec("dob.hl7", "DOB", "HL7 v2 PID-7 (date of birth)", "date", List.of(), 50, Normalization.TEXT,
                    PID_FIELD[7] + "(\\d{8})"),
            spec("mrn.labeled", "MRN", "Medical record number after an MRN / medical record / patient id label",
                    "none", List.of(), 50, Normalization.ALNUM_UPPER,
                    "(?i:(?:^|[^a-z])mrn|medical[ _-]?record|(?:^|[^a-z])patient[ _-]?id|(?:^|[^a-z])chart)"
                            + ID_SUFFIX + SEP + RECORD_ID),
            spec("mrn.hl7", "MRN", "HL7 v2 PID-3 (patient identifier)", "none", List.of(), 50,
                    Normalization.ALNUM_UPPER,
                    PID_FIELD[3] + "([^|^~\\r\\n]+)"),
            spec("member_id", "MEMBER_ID", "Health plan member, subscriber or policy id after its label", "none",
                    List.of(), 45, Normalization.ALNUM_UPPER,
                    "(?i:(?:^|[^a-z])(?:member|subscriber|policy|beneficiary|insurance|medicaid|insured"
                            + "|health[ _-]?plan)[ _-]?(?:id|#|no\\.?|num|number|identifier))" + SEP + RECORD_ID),
            spec("passport", "PASSPORT", "Passport number after a passport label", "none", List.of(), 45,
                    Normalization.ALNUM_UPPER,
                    "(?i:(?:^|[^a-z])passport)" + ID_SUFFIX + SEP + "([A-Z]{0,2}\\d{6,9})\\b"),
            spec("address.street", "ADDRESS", "US street address or PO box (number, street, suffix; optional "
                            + "unit, city, state, ZIP)", "none", List.of(), 40, Normalization.TEXT,
                    NUM + "(\\d{1,6}[A-Z]? (?:[NSEW]\\.? |(?:North|South|East|West) )?(?:[A-Z][a-z]+|\\d{1,3}"
                            + "(?:st|nd|rd|th))(?: [A-Z][a-z]+){0,3} " + STREET_SUFFIX + "\\.?"
                            + "(?:,? (?:Apt|Suite|Ste|Unit|Fl|Floor|Rm|Room|#)\\.? ?#?[0-9A-Za-z-]{1,6})?"
                            + "(?:,? [A-Z][a-z]+(?: [A-Z][a-z]+){0,2},? [A-Z]{2}(?: \\d{5}(?:-\\d{4})?)?)?)\\b",
                    "(?:^|[^0-9A-Za-z])((?:P\\.? ?O\\.?|Post Office) Box \\d{1,6}"
                            + "(?:,? [A-Z][a-z]+(?: [A-Z][a-z]+){0,2},? [A-Z]{2}(?: \\d{5}(?:-\\d{4})?)?)?)\\b"),
            spec("address.hl7", "ADDRESS", "HL7 v2 PID-11 (patient address)", "none", List.of(), 40,
                    Normalization.TEXT,
                    PID_FIELD[11] + "([0-9][^|\\r\\n]{5,})"),
            spec("name.labeled", "NAME", "Person name after a label (patient, pt name, name=, \"firstName\":)",
                    "none", List.of(), 40, Normalization.TEXT,
                    "(?i:(?:^|[^a-z])(?:patient|pt|client|resident|member|subscriber|guarantor|insured)[ _-]?"
                            + "(?:full[ _-]?)?name|(?:^|[^a-z])(?:first|last|given|family|middle|maiden)"
                            + "[ _-]?name|(?:^|[^a-z])surname|(?:^|[^a-z])patient)" + SEP + PERSON_NAME,
                    "(?:^|[^A-Za-z._])(?i:(?:full[ _-]?)?name)" + SEP + FULL_NAME,
                    "(?i:(?:^|[^a-z])(?:patient|pt|client|resident|member|subscriber|guarantor|insured)[ _-]?"
                            + "(?:full[ _-]?)?name|(?:^|[^a-z])(?:first|last|given|family|middle|maiden)"
                            + "[ _-]?name|(?:^|[^a-z])surname)" + SEP + CAPS_NAME,
                    "(?:(?:^|[^A-Za-z._])(?i:(?:full[ _-]?)?name)|(?:^|[^A-Za-z])(?i:patient))" + SEP
                            + CAPS_FULL_NAME),
            spec("name.hl7", "NAME", "HL7 v2 PID-5 (patient name) and NK1-2 (next of kin)", "none", List.of(), 40,
                    Normalization.TEXT,
                    PID_FIELD[5] + "([^|\\r\\n]+)",
                    "NK1\\|[^|\\r\\n]*\\|([^|\\r\\n]+)"));

    private Catalog() {
    }

    /** Every built-in detector, in a stable order. */
    public static List<DetectorSpec> builtIn() {
        return BUILT_IN;
    }

    private static DetectorSpec spec(String id, String type, String description, String validator,
                                     List<String> context, int priority, Normalization normalization,
                                     String... patterns) {
        return new DetectorSpec(id, type, description, List.of(patterns), 1, Validators.byName(validator), validator,
                context, false, 0, priority, Action.MASK, normalization);
    }

    /** A detector that fires only when one of the context words appears within 32 bytes before the match. */
    private static DetectorSpec contextual(String id, String type, String description, String validator,
                                           List<String> context, int priority, Normalization normalization,
                                           String... patterns) {
        return new DetectorSpec(id, type, description, List.of(patterns), 1, Validators.byName(validator), validator,
                context, true, 32, priority, Action.MASK, normalization);
    }
}
