package io.redactd.detectors.redact;

import io.redactd.detectors.DetectionException;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.engine.Plans;
import io.redactd.detectors.testing.Settings;
import io.redactd.detectors.testing.TestDetectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pair protocol's edges: a problem with one line of a pair fails that line only, exactly as redact() would; the
 * second line survives a redact() in between; redactSecond() without a pending pair is a caller error.
 */
class PairedRedactorTest {
    private static final byte[] SSN_LINE = "patient ssn 123-45-6789 seen".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MAIL_LINE = "notify a.b@x.org today".getBytes(StandardCharsets.UTF_8);

    private static Redactor redactor(EngineChoice engine) {
        assumeTrue(engine != EngineChoice.HYPERSCAN || Plans.hyperscanAvailable(),
                "hyperscan runs on x86-64 Linux only");
        return Plans.compile(Settings.of(engine).s(), TestDetectors.all()).newRedactor();
    }

    private static String out(LineResult r) {
        return new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void eachLineOfAPairGetsItsOwnResult(EngineChoice engine) {
        Redactor r = redactor(engine);
        byte[] buf = ("x" + new String(SSN_LINE, StandardCharsets.UTF_8) + "|"
                + new String(MAIL_LINE, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        LineResult first = r.redactPair(buf, 1, SSN_LINE.length, buf, 2 + SSN_LINE.length, MAIL_LINE.length);
        assertThat(out(first)).isEqualTo("patient ssn [REDACTED:SSN] seen");
        assertThat(first.finding(0).start()).isEqualTo(12); // offsets relative to the line, not the array
        LineResult second = r.redactSecond();
        assertThat(out(second)).isEqualTo("notify [REDACTED:EMAIL] today");
        assertThat(second.finding(0).start()).isEqualTo(7);
        assertThatThrownBy(r::redactSecond).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void aRefusedFirstLineLeavesTheSecondToRedactSecond(EngineChoice engine) {
        Redactor r = redactor(engine);
        byte[] huge = new byte[LineRedactor.MAX_EVENT_BYTES + 1];
        assertThatThrownBy(() -> r.redactPair(huge, 0, huge.length, SSN_LINE, 0, SSN_LINE.length))
                .isInstanceOf(DetectionException.class).hasMessageContaining("exceeds");
        assertThat(out(r.redactSecond())).isEqualTo("patient ssn [REDACTED:SSN] seen");
        assertThatThrownBy(() -> r.redactPair(SSN_LINE, 3, SSN_LINE.length, MAIL_LINE, 0, MAIL_LINE.length))
                .isInstanceOf(DetectionException.class).hasMessageContaining("invalid line range");
        assertThat(out(r.redactSecond())).isEqualTo("notify [REDACTED:EMAIL] today");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void aRefusedSecondLineFailsInRedactSecondOnly(EngineChoice engine) {
        Redactor r = redactor(engine);
        assertThat(out(r.redactPair(SSN_LINE, 0, SSN_LINE.length, null, 0, 4)))
                .isEqualTo("patient ssn [REDACTED:SSN] seen");
        assertThatThrownBy(r::redactSecond).isInstanceOf(DetectionException.class)
                .hasMessageContaining("invalid line range");
        byte[] huge = new byte[LineRedactor.MAX_EVENT_BYTES + 1];
        assertThat(out(r.redactPair(MAIL_LINE, 0, MAIL_LINE.length, huge, 0, huge.length)))
                .isEqualTo("notify [REDACTED:EMAIL] today");
        assertThatThrownBy(r::redactSecond).isInstanceOf(DetectionException.class).hasMessageContaining("exceeds");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void theSecondLineSurvivesARedactInBetween(EngineChoice engine) {
        Redactor r = redactor(engine);
        r.redactPair(MAIL_LINE, 0, MAIL_LINE.length, SSN_LINE, 0, SSN_LINE.length);
        byte[] json = "{\"msg\":\"mail c.d@y.org\",\"n\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(out(r.redact(json))).contains("[REDACTED:EMAIL]");
        assertThat(out(r.redactSecond())).isEqualTo("patient ssn [REDACTED:SSN] seen");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void redactSecondWithoutAPairIsACallerError(EngineChoice engine) {
        Redactor r = redactor(engine);
        assertThatThrownBy(r::redactSecond).isInstanceOf(IllegalStateException.class);
        r.redact(SSN_LINE);
        assertThatThrownBy(r::redactSecond).isInstanceOf(IllegalStateException.class);
    }
}
