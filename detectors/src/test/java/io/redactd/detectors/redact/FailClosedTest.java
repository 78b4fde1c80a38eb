package io.redactd.detectors.redact;

import io.redactd.detectors.Action;
import io.redactd.detectors.CustomDetector;
import io.redactd.detectors.DetectionException;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.engine.CandidateEngine;
import io.redactd.detectors.engine.CompiledDetector;
import io.redactd.detectors.engine.CompiledPattern;
import io.redactd.detectors.engine.Plans;
import io.redactd.detectors.testing.Settings;
import io.redactd.detectors.testing.TestDetectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Canary values pushed through every error path must not surface in exception messages or in the log. */
class FailClosedTest {
    private static final String CANARY_SSN = "219-09-9999";
    private static final String CANARY_MAIL = "canary.leak@example.org";
    private static final String CANARY_TEXT = "CANARYzq7x";

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream savedErr;
    private PrintStream savedOut;

    @BeforeEach
    void captureLog() {
        savedErr = System.err;
        savedOut = System.out;
        PrintStream capture = new PrintStream(log, true, StandardCharsets.UTF_8);
        System.setErr(capture); // slf4j-simple writes to the current System.err
        System.setOut(capture);
    }

    @AfterEach
    void restoreLog() {
        System.setErr(savedErr);
        System.setOut(savedOut);
    }

    @Test
    void errorPathsNeverCarryInputData() {
        List<Throwable> errors = new ArrayList<>();
        Redactor r = Plans.compile(Settings.of(nativeWhereAvailable()).s(), TestDetectors.all()).newRedactor();

        // oversize line
        byte[] huge = (CANARY_SSN + " " + CANARY_MAIL + " " + "x".repeat(LineRedactor.MAX_EVENT_BYTES))
                .getBytes(StandardCharsets.UTF_8);
        errors.add(catchThrowable(() -> r.redact(huge)));

        // bad range
        errors.add(catchThrowable(() -> r.redact(CANARY_SSN.getBytes(StandardCharsets.UTF_8), 5, 100)));

        // a validator that fails and quotes its input, as a buggy one might
        DetectorSpec quoting = new DetectorSpec("quoting", "SSN", "throws", List.of("\\d{3}-\\d{2}-\\d{4}"), 0,
                (b, s, e) -> {
                    throw new IllegalStateException("bad value " + new String(b, s, e - s, StandardCharsets.UTF_8));
                }, "boom", List.of(), false, 0, 0, Action.MASK, DetectorSpec.Normalization.DIGITS);
        for (EngineChoice engine : new EngineChoice[] {nativeWhereAvailable(), EngineChoice.PORTABLE}) {
            Redactor bad = Plans.compile(Settings.of(engine).s(), List.of(quoting)).newRedactor();
            errors.add(catchThrowable(() -> bad.redact(("ssn " + CANARY_SSN).getBytes(StandardCharsets.UTF_8))));
            errors.add(catchThrowable(() -> bad.redact(("{\"a\":\"" + CANARY_SSN + "\"}")
                    .getBytes(StandardCharsets.UTF_8))));
        }

        // an engine that fails mid-scan, quoting the line
        Redactor broken = ssnRedactorOn(engine("failing", () -> (buf, off, len, out) -> {
            throw new IllegalStateException("scan of " + new String(buf, off, len, StandardCharsets.UTF_8));
        }));
        errors.add(catchThrowable(() -> broken.redact(("ssn " + CANARY_SSN).getBytes(StandardCharsets.UTF_8))));

        // configuration errors that quote what they got are fine, but must not quote a sample line
        errors.add(catchThrowable(() -> Plans.compile(Settings.of(EngineChoice.PORTABLE).withCustom(List.of(
                new CustomDetector("c1", "X_ID", "(" + CANARY_TEXT, null, List.of(), null))).s(),
                TestDetectors.all())));
        errors.add(catchThrowable(() -> Plans.compile(Settings.of(EngineChoice.PORTABLE).withCustom(List.of(
                new CustomDetector("c2", "X_ID", "x\\d+", "no-such-validator", List.of(), null))).s(),
                TestDetectors.all())));

        assertThat(errors).hasSize(9).doesNotContainNull();
        assertThat(errors.subList(0, 7)).allSatisfy(e -> assertThat(e).isInstanceOf(DetectionException.class));
        assertThat(errors.subList(7, 9)).allSatisfy(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class));
        assertThat(errors.get(8)).hasMessageContaining("c2").hasMessageContaining("validator")
                .hasMessageContaining("no-such-validator");
        for (Throwable e : errors) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(CANARY_SSN).doesNotContain(CANARY_MAIL)
                        .doesNotContain("219099999");
            }
        }
        // bad JSON is redacted as text rather than passed through or thrown
        LineResult res = r.redact(("{\"a\": \"" + CANARY_MAIL + "\" ,,, " + CANARY_SSN)
                .getBytes(StandardCharsets.UTF_8));
        String out = new String(res.output(), res.outputOffset(), res.outputLength(), StandardCharsets.UTF_8);
        assertThat(out).doesNotContain(CANARY_MAIL).doesNotContain(CANARY_SSN);

        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("detection engine:"); // the capture works
        assertThat(logged).doesNotContain(CANARY_SSN).doesNotContain(CANARY_MAIL).doesNotContain("219099999");
    }

    /**
     * A paired scan that throws fails both lines of the pair (dropped and counted by the caller), never a quiet
     * rescan one by one: here the single scan "works" and nominates nothing, so a fallback would forward both
     * lines with their values.
     */
    @Test
    void aFailingPairedScanFailsBothLinesWithoutQuotingThem() {
        CandidateEngine pairFails = engine("pair-fails", () -> new CandidateEngine.Scan() {
            @Override
            public void candidates(byte[] buf, int off, int len, io.redactd.detectors.engine.PatternSet out) {
            }

            @Override
            public void candidatesPair(byte[] a, int offA, int lenA, io.redactd.detectors.engine.PatternSet outA,
                                       byte[] b, int offB, int lenB, io.redactd.detectors.engine.PatternSet outB) {
                throw new IllegalStateException("pair of " + new String(a, offA, lenA, StandardCharsets.UTF_8));
            }
        });
        Redactor r = ssnRedactorOn(pairFails);
        byte[] a = ("ssn " + CANARY_SSN).getBytes(StandardCharsets.UTF_8);
        byte[] b = ("mail " + CANARY_MAIL).getBytes(StandardCharsets.UTF_8);

        Throwable first = catchThrowable(() -> r.redactPair(a, 0, a.length, b, 0, b.length));
        Throwable second = catchThrowable(r::redactSecond);
        assertThat(List.of(first, second)).allSatisfy(e -> assertThat(e).isInstanceOf(DetectionException.class)
                .hasMessageContaining("IllegalStateException").hasNoCause()
                .hasMessageNotContaining(CANARY_SSN).hasMessageNotContaining(CANARY_MAIL));
        assertThatThrownBy(r::redactSecond).isInstanceOf(IllegalStateException.class); // the pair is over

        // A caller that gives up on a pair: the pending line is dropped, redactSecond has nothing to serve.
        Redactor ok = Plans.compile(Settings.of(EngineChoice.PORTABLE).s(), TestDetectors.all()).newRedactor();
        byte[] known = "patient ssn 123-45-6789 seen".getBytes(StandardCharsets.UTF_8);
        assertThat(ok.redactPair(known, 0, known.length, b, 0, b.length).findingCount()).isEqualTo(1);
        ok.abandonPair();
        assertThatThrownBy(ok::redactSecond).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void forcedHyperscanOnAnUnsupportedPlatformIsAClearError() {
        if (Plans.hyperscanAvailable()) {
            assertThat(Plans.compile(Settings.of(EngineChoice.HYPERSCAN).s(), TestDetectors.all()).engineName())
                    .isEqualTo("hyperscan");
        } else {
            assertThatThrownBy(() -> Plans.compile(Settings.of(EngineChoice.HYPERSCAN).s(), TestDetectors.all()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hyperscan was requested");
        }
    }

    /** A candidate engine named {@code name} whose scans come from {@code scans}. */
    private static CandidateEngine engine(String name, java.util.function.Supplier<CandidateEngine.Scan> scans) {
        return new CandidateEngine() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Scan newScan() {
                return scans.get();
            }

            @Override
            public void close() {
            }
        };
    }

    /** A redactor with the catalog's first detector (SSN) over {@code engine}. */
    private static Redactor ssnRedactorOn(CandidateEngine engine) {
        DetectorSpec spec = TestDetectors.all().get(0);
        CompiledDetector d = new CompiledDetector(0, spec, Action.MASK, "SSN".getBytes(StandardCharsets.US_ASCII),
                new byte[0][]);
        return new RedactionPlan(engine, List.of(d),
                List.of(new CompiledPattern(0, 0, spec.patterns().get(0), -1,
                        com.google.re2j.Pattern.compile(spec.patterns().get(0)))),
                List.of(), null, null).newRedactor();
    }

    /** Hyperscan where it runs (AUTO picks the portable engine, so the native one is asked for by name). */
    private static EngineChoice nativeWhereAvailable() {
        return Plans.hyperscanAvailable() ? EngineChoice.HYPERSCAN : EngineChoice.PORTABLE;
    }
}
