package io.redactd.detectors.engine;

import io.redactd.detectors.Action;
import io.redactd.detectors.CustomDetector;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Custom detectors may use every built-in validator by name, including ones no catalog detector uses (luhn). */
class CustomDetectorValidatorTest {
    private static String redact(String validator, String line) {
        DetectionSettings s = new DetectionSettings(EngineChoice.PORTABLE, Set.of(), Set.of(), Map.of(),
                List.of(new CustomDetector("acme_mrn", "ACME_MRN", "[0-9]{4}-[0-9]{4}", validator, List.of(), Action.MASK)),
                Map.of(), null, null);
        DetectionPlan plan = DetectionPlan.compile(s);
        byte[] in = line.getBytes(StandardCharsets.UTF_8);
        LineResult r = plan.newRedactor().redact(in);
        return new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.UTF_8);
    }

    @Test
    void luhnBacksACustomDetector() {
        // 1234-5674 passes Luhn (separators skipped), 1234-5675 does not.
        assertThat(redact("luhn", "ref 1234-5674 and 1234-5675"))
                .isEqualTo("ref [REDACTED:ACME_MRN] and 1234-5675");
    }

    @Test
    void unknownValidatorListsEveryValidName() {
        assertThatThrownBy(() -> redact("lunh", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acme_mrn").hasMessageContaining("'lunh'").hasMessageContaining("luhn");
    }
}
