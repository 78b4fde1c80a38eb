package io.redactd.detectors.redact;

import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.engine.Plans;
import io.redactd.detectors.testing.Settings;
import io.redactd.detectors.testing.TestDetectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A clean line must cost no heap allocation (JMH's -prof gc gives the figure; this guards against regressions). A
 * look-alike line, which the engine nominates and RE2/J or a validator then rejects, costs only RE2/J's own small
 * per-search objects.
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void cleanLinesDoNotAllocate(EngineChoice engine) {
        assumeTrue(engine != EngineChoice.HYPERSCAN || Plans.hyperscanAvailable(),
                "hyperscan runs on x86-64 Linux only");
        Redactor r = Plans.compile(Settings.of(engine).withFieldRules(Map.of("*.ssn", "SSN")).s(),
                TestDetectors.all()).newRedactor();
        byte[] syslog = "<134>Nov 27 03:17:53 web-1 nginx: GET /static/app.js 200 1532 0.004 \"Mozilla/5.0\""
                .getBytes(StandardCharsets.UTF_8);
        byte[] json = "{\"ts\":\"2026-11-27T03:17:53Z\",\"level\":\"info\",\"msg\":\"cache warm\",\"n\":42}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] lookAlike = "ts=2026-11-27 order=4111111111111112 version=1.2.3 status=ok"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(allocatedPerLine(r, syslog)).isZero();
        assertThat(allocatedPerLine(r, json)).isZero();
        assertThat(allocatedPerLine(r, lookAlike)).isLessThan(160);
        // two clean lines at a time (the pipeline's paired scan) allocate nothing either
        assertThat(allocatedPerPair(r, syslog, json)).isZero();
        assertThat(allocatedPerPair(r, json, syslog)).isZero();
    }

    private static long allocatedPerPair(Redactor r, byte[] a, byte[] b) {
        for (int i = 0; i < 20_000; i++) { // warm up: DFA states, JIT
            assertThat(r.redactPair(a, 0, a.length, b, 0, b.length).clean()).isTrue();
            assertThat(r.redactSecond().clean()).isTrue();
        }
        long id = Thread.currentThread().getId();
        long before = MX.getThreadAllocatedBytes(id);
        int findings = 0;
        for (int i = 0; i < 10_000; i++) {
            findings += r.redactPair(a, 0, a.length, b, 0, b.length).findingCount();
            findings += r.redactSecond().findingCount();
        }
        long allocated = MX.getThreadAllocatedBytes(id) - before;
        assertThat(findings).isZero();
        return allocated / 10_000;
    }

    private static long allocatedPerLine(Redactor r, byte[] line) {
        for (int i = 0; i < 20_000; i++) { // warm up: DFA states, JIT
            assertThat(r.redact(line).clean()).isTrue();
        }
        long id = Thread.currentThread().getId();
        long before = MX.getThreadAllocatedBytes(id);
        int findings = 0;
        for (int i = 0; i < 10_000; i++) {
            findings += r.redact(line).findingCount();
        }
        long allocated = MX.getThreadAllocatedBytes(id) - before;
        assertThat(findings).isZero();
        return allocated / 10_000;
    }
}
