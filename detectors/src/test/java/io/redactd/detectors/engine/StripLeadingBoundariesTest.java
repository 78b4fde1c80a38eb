package io.redactd.detectors.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which boundary groups the Hyperscan engine may drop: only those a match starts with. */
class StripLeadingBoundariesTest {

    @Test
    void dropsTheGroupAtTheStartOfThePatternOrOfALeadingBranch() {
        assertThat(HyperscanEngine.stripLeadingBoundaries("(?:^|[^0-9A-Za-z_.-])(\\d{9})\\b"))
                .isEqualTo("(\\d{9})\\b");
        assertThat(HyperscanEngine.stripLeadingBoundaries("(?i:(?:^|[^a-z])mrn|medical|(?:^|[^a-z])chart)#(\\d+)"))
                .isEqualTo("(?i:mrn|medical|chart)#(\\d+)");
        assertThat(HyperscanEngine.stripLeadingBoundaries("(?:(?:^|[^A-Za-z])(?i:dob)|[a-z]Dob)[ :](\\d{8})"))
                .isEqualTo("(?:(?i:dob)|[a-z]Dob)[ :](\\d{8})");
    }

    @Test
    void keepsGroupsThatDoNotStartTheMatch() {
        for (String regex : new String[] {
            "a(?:^|[^a])b",                       // after a byte
            "(?:x|y)(?:^|[^a])b",                 // after a group
            "(?:(?:^|[^a])x){2}y",                // in a repeated group: the second pass does not start the match
            "(?:^|[^a])*b",                       // itself repeated
            "[(](?:^|[^a])b",                     // after a class holding a parenthesis
            "\\((?:^|[^a])b",                      // after an escaped parenthesis
            "(?i)x(?:^|[^a])",                    // flags, then a byte
        }) {
            assertThat(HyperscanEngine.stripLeadingBoundaries(regex)).as(regex).isEqualTo(regex);
        }
    }
}
