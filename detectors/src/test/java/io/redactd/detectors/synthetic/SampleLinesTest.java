package io.redactd.detectors.synthetic;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SampleLinesTest {
    @Test
    void demoLinesAreRedactedAndTheLookAlikeLineIsNot() {
        Redactor r = DetectionPlan.compile(DetectionSettings.defaults()).newRedactor();
        List<String> lines = SampleLines.lines();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(12);
        for (int i = 0; i < lines.size(); i++) {
            LineResult res = r.redact(lines.get(i).getBytes(StandardCharsets.UTF_8));
            String out = new String(res.output(), res.outputOffset(), res.outputLength(), StandardCharsets.UTF_8);
            if (i == lines.size() - 1) {
                assertThat(res.clean()).as("look-alike line untouched").isTrue();
            } else {
                assertThat(res.findingCount()).as("line %d has findings", i).isPositive();
                assertThat(out).contains("[REDACTED:");
            }
        }
        LineResult hl7 = r.redact(lines.get(3).getBytes(StandardCharsets.UTF_8));
        assertThat(new String(hl7.output(), hl7.outputOffset(), hl7.outputLength(), StandardCharsets.UTF_8))
                .isEqualTo("PID|1||[REDACTED:MRN]^^^HOSP^MR||[REDACTED:NAME]||[REDACTED:DOB]|M|||[REDACTED:ADDRESS]"
                        + "||[REDACTED:PHONE]|||S||ACCT88|[REDACTED:SSN]");
    }
}
