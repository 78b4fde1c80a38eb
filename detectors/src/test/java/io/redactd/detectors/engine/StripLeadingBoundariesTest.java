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
        // the e-mail patterns' "line start or any character" group, several classes
        assertThat(HyperscanEngine.stripLeadingBoundaries("(?:^|[^a-z]|[a-z])([a-z]{1,9}@x)"))
                .isEqualTo("([a-z]{1,9}@x)");
        assertThat(HyperscanEngine.stripLeadingBoundaries("(?:^|[^a-z]|[a-z])+(x)"))
                .isEqualTo("(?:^|[^a-z]|[a-z])+(x)");
    }

    @Test
    void trimsARepeatedClassThatStartsTheLeadingGroup() {
        java.util.List<String> email = io.redactd.detectors.catalog.Catalog.builtIn().stream()
                .filter(s -> s.id().equals("email")).findFirst().orElseThrow().patterns();
        // the local part's class ([A-Za-z0-9._%+-] or non-ASCII, written as a negated class) loses its {1,64}
        assertThat(HyperscanEngine.trimLeadingRepeat(HyperscanEngine.stripLeadingBoundaries(email.get(0))))
                .startsWith("([^\\x00-\\x24\\x26-\\x2A\\x2C\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]@");
        assertThat(HyperscanEngine.trimLeadingRepeat(HyperscanEngine.stripLeadingBoundaries(email.get(1))))
                .startsWith("([^\\x00-\\x2A\\x2C\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F](?:%40|");
        assertThat(HyperscanEngine.trimLeadingRepeat("([a-z]{3,9}@x)\\b")).isEqualTo("([a-z]{3}@x)\\b");
        assertThat(HyperscanEngine.trimLeadingRepeat("([a-z]{2,}@x)")).isEqualTo("([a-z]{2}@x)");
        assertThat(HyperscanEngine.trimLeadingRepeat("([a-z]+@x|y)")).isEqualTo("([a-z]@x|y)");
        for (String regex : new String[] {
            "([a-z]{1,9}@x)+",                    // the group repeats
            "(x[a-z]{1,9}@x)",                    // not the first item
            "([a-z]{0,9}@x)",                     // may be empty: nothing to shorten safely
            "([a-z]+?@x)",                        // lazy
            "([a-z]{1,9}?@x)",                    // lazy
            "[a-z]{1,9}@x",                       // no leading group
            "([a-z]*@x)",
        }) {
            assertThat(HyperscanEngine.trimLeadingRepeat(regex)).as(regex).isEqualTo(regex);
        }
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
