package io.redactd.detectors.engine;

import com.google.re2j.Pattern;

/**
 * One regex of one detector. Every engine only nominates candidate patterns; the exact spans always come from
 * {@link #re2()}, which is what makes the engines' outputs identical.
 *
 * @param index    position in the plan's pattern list (the id the engines report)
 * @param detector index of the owning {@link CompiledDetector}
 * @param regex    source text, compiled by the candidate engines in their own way
 * @param maxLength the most bytes a match can span, -1 when unbounded: with the engines' match ends it bounds where
 *                 a match can start
 * @param re2      the same regex compiled by RE2/J (linear time, byte offsets); null for a detector's context-word
 *                 pattern, which only gates that detector
 */
public record CompiledPattern(int index, int detector, String regex, int maxLength, Pattern re2) {
    public boolean isContext() {
        return re2 == null;
    }
}
